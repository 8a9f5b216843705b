"""Stage 5, legibility: measure the real pixels under each text, choose colours, add scrims and halos."""
