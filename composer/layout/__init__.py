"""Stage 2, the layout: slots and units → a tree of placed elements with boxes in canvas pixels."""
