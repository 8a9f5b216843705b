"""Stage 6, render: the placed, typeset and coloured design → one SVG document → cairo pixels."""
