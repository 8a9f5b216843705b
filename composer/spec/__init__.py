"""Stage 1, the spec: YAML with positions → layout presets and brand files merged → validated pydantic model."""
