"""The interface every raster backend implements: same request in, RGB image plus metadata out."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from PIL import Image

GENERATOR_VERSION = "1"  # bump when any backend's output for the same request changes


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in the request's pixel frame (the generator's own type: it imports nothing from composer)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def as_dict(self) -> dict[str, float]:
        return {"x": self.x, "y": self.y, "width": self.width, "height": self.height}


@dataclass(frozen=True)
class GenerateRequest:
    """What a backend is asked to paint.

    width/height are the size of the raster wanted (canvas or illustration box, in pixels).
    text_boxes are in the same pixel frame as width/height; text_aware says whether to keep
    them calm. palette is a list of "#RRGGBB" colours, most important first.
    """

    width: int
    height: int
    seed: int = 0
    prompt: str = ""
    negative_prompt: str = ""
    style: str | None = None
    palette: tuple[str, ...] = ("#101820", "#0B5FFF", "#FFB000", "#FFFFFF")
    text_boxes: tuple[Box, ...] = ()
    text_aware: bool = True
    kind: str = "background"  # background | illustration
    options: dict[str, Any] = field(default_factory=dict)  # backend-specific (model, steps, lora, ...)


@dataclass
class GeneratedImage:
    """A backend's result: an RGB (or RGBA for illustrations) image and what made it."""

    image: Image.Image
    metadata: dict[str, Any] = field(default_factory=dict)


class Backend(Protocol):
    """A raster backend: `generate(request) -> GeneratedImage`."""

    name: str

    def generate(self, request: GenerateRequest) -> GeneratedImage: ...


@dataclass(frozen=True)
class BackendInfo:
    """A registered backend: where its class lives, and what it can do (known without importing it)."""

    target: str  # "module:Class", imported on first use
    cacheable: bool = False  # results are worth keeping in the raster cache (slow, deterministic)
    ai_generated: bool = False  # outputs are labelled as made with a trained model (IPTC)
    takes_options: bool = False  # reads model, steps, LoRA, device ... from request.options


BACKENDS: dict[str, BackendInfo] = {
    "procedural": BackendInfo("generator.procedural:ProceduralBackend"),
    "diffusion": BackendInfo("generator.diffusion:DiffusionBackend", cacheable=True, ai_generated=True, takes_options=True),
}
_INSTANCES: dict[str, Backend] = {}


def register_backend(name: str, info: BackendInfo) -> None:
    """Add (or replace) a backend in the table; `get_backend(name)` then imports and reuses it."""
    BACKENDS[name] = info
    _INSTANCES.pop(name, None)


def backend_info(name: str) -> BackendInfo:
    """The table entry for `name`; a GeneratorError lists the known names."""
    if name not in BACKENDS:
        from generator.errors import GeneratorError

        allowed = " | ".join(BACKENDS)
        raise GeneratorError(f"unknown generator {name!r}; allowed: {allowed}")
    return BACKENDS[name]


def get_backend(name: str) -> Backend:
    """Return the (process-wide, reused) backend called `name`; imports it lazily."""
    info = backend_info(name)
    if name not in _INSTANCES:
        module_name, cls_name = info.target.split(":")
        cls = getattr(importlib.import_module(module_name), cls_name)
        _INSTANCES[name] = cls()
    return _INSTANCES[name]
