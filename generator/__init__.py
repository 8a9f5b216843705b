"""Raster backends: procedural (default, no model) and diffusion (diffusers).

Importing this package never imports torch; only `generator.diffusion` does.
"""

from generator.base import Backend, Box, GeneratedImage, GenerateRequest, get_backend

__all__ = ["Backend", "Box", "GenerateRequest", "GeneratedImage", "get_backend"]
