"""The core every stage stands on: errors, geometry, colour, units, limits and resources; imports nothing else from Placard."""
