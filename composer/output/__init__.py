"""Stage 7, output: encoders for PNG, PDF, SVG, JPEG and WebP, and atomic writes."""
