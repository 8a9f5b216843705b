"""One table per extension point: an output format and a raster backend can be added from outside the package."""

from __future__ import annotations

from PIL import Image

import composer
from composer.output import formats
from generator.base import BACKENDS, BackendInfo, GeneratedImage, GenerateRequest, get_backend, register_backend

SPEC = {
    "version": 1, "canvas": {"width": 200, "height": 100}, "background": {"style": "flat"},
    "title": "Extension test",
    "elements": [{"type": "text", "text": "Hello", "box": {"x": 10, "y": 10, "width": 180, "height": 80}, "font": {"size": 30}}],
}


def _ascii_art(art) -> bytes:
    """A format from outside the package: the raster as a few lines of ASCII, and the title on top."""
    px = art.pixels().rgb
    rows = [art.title]
    for y in range(0, px.shape[0], 20):
        rows.append("".join("#" if px[y, x].mean() < 128 else "." for x in range(0, px.shape[1], 10)))
    return ("\n".join(rows) + "\n").encode()


def test_a_format_registered_from_outside_is_written(tmp_path):
    formats.register_format("ascii", _ascii_art, "txt")
    try:
        result = composer.build(SPEC, tmp_path, formats=["png", "ascii"])
    finally:
        del formats.FORMATS["ascii"]
    assert sorted(p.name for p in result.files) == sorted(f"{result.name}.{ext}" for ext in ("png", "txt", "report.json"))
    text = (tmp_path / f"{result.name}.txt").read_text().splitlines()
    assert text[0] == "Extension test" and len(text) == 1 + 5 and all(len(r) == 20 for r in text[1:])
    assert result.report["formats"] == ["png", "ascii"]


def test_an_unknown_format_lists_the_registered_ones(tmp_path):
    try:
        composer.build(SPEC, tmp_path, formats=["gif"])
    except composer.SpecError as e:
        assert str(e) == "outputs: invalid output format 'gif'; allowed: png | jpeg | webp | svg | pdf"
    else:
        raise AssertionError("gif was accepted")
    assert not any(tmp_path.iterdir())


class SolidBackend:
    """A backend from outside the package: one flat colour from the palette."""

    name = "solid"

    def generate(self, request: GenerateRequest) -> GeneratedImage:
        return GeneratedImage(Image.new("RGB", (request.width, request.height), request.palette[1]), {"generator": "solid"})


def test_a_backend_registered_from_outside_is_used():
    register_backend("solid", BackendInfo("test_extension_points:SolidBackend"))
    try:
        backend = get_backend("solid")
        out = backend.generate(GenerateRequest(width=8, height=4, palette=("#000000", "#FF8800")))
    finally:
        del BACKENDS["solid"]
    assert isinstance(backend, SolidBackend) and out.image.getpixel((3, 2)) == (255, 136, 0)
