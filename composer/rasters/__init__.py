"""Stage 4, the rasters: the background and illustrations from a generator backend, and image assets."""
