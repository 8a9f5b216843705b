"""No wasted work (issue 15): nothing is painted under an opaque full-page image, a raster image is
decoded once per build and reaches cairo as pixels, and the legibility pass and the final render
draw from the same decoded pixels. Counted, never timed."""

from __future__ import annotations

from pathlib import Path

import cairocffi
import cairosvg.surface
import numpy as np
import pytest
import yaml
from PIL import Image

import composer
import composer.core.png
import composer.rasters.assets
import composer.rasters.paint
import composer.render.raster

W, H = 320, 400


def _photo(path: Path, size: tuple[int, int] = (480, 600), alpha: bool = False) -> None:
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 255, (size[1], size[0], 4 if alpha else 3), dtype=np.uint8)
    if alpha:
        pixels[..., 3] = 255
        pixels[:10, :10, 3] = 0  # one transparent corner
    Image.fromarray(pixels, "RGBA" if alpha else "RGB").save(path)


def _spec(tmp_path: Path, first: dict, *, text_on_top: bool = True, background: dict | None = None) -> Path:
    elements = [first, {"type": "text", "id": "t", "text": "Over the photo", "box": {"x": 20, "y": 20, "width": 280, "height": 80},
                        "font": {"family": "Inter", "size": 32}, "color": "#FFFFFF"}]
    if not text_on_top:  # a shape over the text: the final render draws everything again, not only the text
        elements.append({"type": "rect", "box": {"x": 10, "y": 10, "width": 100, "height": 100}, "fill": "rgba(255,0,0,0.3)"})
    spec = {"version": 1, "canvas": {"width": W, "height": H}, "elements": elements}
    if background is not None:
        spec["background"] = background
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def _image(src: str = "photo.png", **extra) -> dict:
    return {"type": "image", "id": "photo", "src": src, "box": {"x": 0, "y": 0, "width": W, "height": H}, "fit": "cover", **extra}


@pytest.fixture
def generated(monkeypatch) -> list[str]:
    """The names of the backends asked to paint, in this test."""
    calls: list[str] = []
    real = composer.rasters.paint._generate

    def counting(backend_name, request, *args, **kwargs):
        calls.append(f"{backend_name}:{request.kind}")
        return real(backend_name, request, *args, **kwargs)

    monkeypatch.setattr(composer.rasters.paint, "_generate", counting)
    return calls


@pytest.fixture
def decodes(monkeypatch) -> dict[str, int]:
    """How often this test decodes an image file, draws an image with cairosvg's own handler (which decodes its
    href), decodes PNG bytes in cairo, and encodes a PNG data URI."""
    counts = {"decode": 0, "cairosvg_image": 0, "cairo_png": 0, "data_uri": 0}
    real_load, real_png, real_uri = (composer.rasters.assets.load_raster, cairocffi.ImageSurface.create_from_png,
                                     composer.core.png.png_data_uri)
    real_image = cairosvg.surface.TAGS["image"]

    def decode(*args, **kwargs):
        counts["decode"] += 1
        return real_load(*args, **kwargs)

    def cairosvg_image(*args, **kwargs):
        counts["cairosvg_image"] += 1
        return real_image(*args, **kwargs)

    def cairo_png(*args, **kwargs):
        counts["cairo_png"] += 1
        return real_png(*args, **kwargs)

    def data_uri(*args, **kwargs):
        counts["data_uri"] += 1
        return real_uri(*args, **kwargs)

    monkeypatch.setattr(composer.rasters.assets, "load_raster", decode)
    monkeypatch.setitem(cairosvg.surface.TAGS, "image", cairosvg_image)
    monkeypatch.setattr(cairocffi.ImageSurface, "create_from_png", staticmethod(cairo_png))
    monkeypatch.setattr(composer.core.png, "png_data_uri", data_uri)
    return counts


def test_an_opaque_full_page_image_means_no_background_is_painted(tmp_path, generated):
    _photo(tmp_path / "photo.png")
    result = composer.build(_spec(tmp_path, _image()), tmp_path / "out", ["png"])
    assert generated == []
    assert result.report["background"] == {"generator": "none", "covered_by": "photo"}


@pytest.mark.parametrize("change", [
    {"fit": "contain"},                                    # letterboxed: the background shows
    {"opacity": 0.9},                                      # see-through
    {"radius": 12},                                        # the corners show
    {"box": {"x": 0, "y": 0, "width": W, "height": H - 1}},  # one row short
    {"src": "alpha.png"},                                  # transparent pixels of its own
])
def test_the_background_is_painted_when_anything_of_it_can_show(tmp_path, generated, change):
    _photo(tmp_path / "photo.png")
    _photo(tmp_path / "alpha.png", alpha=True)
    composer.build(_spec(tmp_path, _image(**change)), tmp_path / "out", ["png"])
    assert generated == ["procedural:background"]


def test_skipping_the_covered_background_changes_pixels_by_at_most_one_level(tmp_path, generated):
    _photo(tmp_path / "photo.png")
    skipped = composer.build(_spec(tmp_path, _image()), None, ["png"]).image
    # an opacity a hair under 1 draws the same photo but keeps the procedural background under it
    painted = composer.build(_spec(tmp_path, _image(opacity=0.999999)), None, ["png"]).image
    diff = np.abs(np.asarray(skipped, np.int16) - np.asarray(painted, np.int16))
    assert diff.max() <= 1


@pytest.mark.parametrize("text_on_top", [True, False])
def test_a_raster_image_is_decoded_once_per_build_and_reaches_cairo_as_pixels(tmp_path, decodes, text_on_top):
    _photo(tmp_path / "photo.png")
    spec = _spec(tmp_path, _image(box={"x": 40, "y": 120, "width": 240, "height": 240}), text_on_top=text_on_top,
                 background={"style": "flat"})
    composer.build(spec, tmp_path / "out", ["png"])
    assert decodes == {"decode": 1, "cairosvg_image": 0, "cairo_png": 0, "data_uri": 0}  # the legibility pass and the final render share it


def test_documents_embed_the_decoded_pixels_and_pdf_draws_them(tmp_path, decodes):
    _photo(tmp_path / "photo.png")
    spec = _spec(tmp_path, _image(box={"x": 40, "y": 120, "width": 240, "height": 240}), background={"style": "flat"})
    result = composer.build(spec, tmp_path / "out", ["png", "pdf", "svg"])
    assert decodes == {"decode": 1, "cairosvg_image": 0, "cairo_png": 0, "data_uri": 1}  # one PNG, for the SVG file only
    assert "placard-pixels:" not in result.svg and "data:image/png;base64," in result.svg


def test_an_illustration_reaches_cairo_as_pixels(tmp_path, decodes):
    spec = {"version": 1, "canvas": {"width": W, "height": H}, "background": {"style": "flat"},
            "elements": [{"type": "illustration", "id": "art", "box": {"x": 20, "y": 20, "width": 200, "height": 200}, "seed": 3}]}
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    composer.build(path, tmp_path / "out", ["png", "pdf"])
    assert decodes["cairosvg_image"] == decodes["cairo_png"] == decodes["data_uri"] == 0


def test_pixels_drawn_directly_equal_cairosvgs_own_drawing_of_the_png():
    rgba = Image.fromarray(np.random.default_rng(1).integers(0, 255, (30, 40, 4), dtype=np.uint8), "RGBA")
    for img in (rgba, rgba.convert("RGB")):
        uri = composer.core.png.png_data_uri(img)
        key = "k"
        body = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="90" height="70">'
                '<defs><clipPath id="c"><rect x="5" y="5" width="80" height="60" rx="9" ry="9"/></clipPath></defs>'
                '<image x="5" y="5" width="80" height="60" preserveAspectRatio="xMidYMid slice" xlink:href="{}" '
                'clip-path="url(#c)" opacity="0.8"/></svg>')
        ours = composer.render.raster.rasterize(body.format("placard-pixels:" + key), 90, 70, images={key: img})
        theirs = composer.render.raster.rasterize(body.format(uri), 90, 70)
        assert ours.tobytes() == theirs.tobytes()


def test_a_warm_build_of_the_same_design_does_not_decode_its_photo_again(tmp_path, decodes):
    _photo(tmp_path / "photo.png")
    spec = _spec(tmp_path, _image(box={"x": 40, "y": 120, "width": 240, "height": 240}), background={"style": "flat"})
    first = composer.build(spec, None, ["png"]).image
    second = composer.build(spec, None, ["png"]).image
    assert decodes["decode"] == 1 and first.tobytes() == second.tobytes()
    _photo(tmp_path / "photo.png", size=(400, 500))  # edited: a new size, decoded again
    composer.build(spec, None, ["png"])
    assert decodes["decode"] == 2


def test_a_decoded_image_is_converted_for_cairo_once_and_large_ones_are_not_kept(monkeypatch):
    raster = composer.render.raster
    raster._SOURCES.clear()
    converted = []
    monkeypatch.setattr(raster, "cairo_surface", lambda img: converted.append(img) or object())
    target = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, 4, 4)

    def source(img, on=target):
        with raster.source_surface(img, on) as s:
            return s

    small = Image.new("RGB", (40, 30), "red")
    assert source(small) is source(small)  # one conversion, drawn twice
    assert converted == [small]
    twin = small.copy()  # equal pixels, another image: its own conversion (the key is the image itself)
    source(twin)
    assert converted == [small, twin]
    pdf = cairocffi.PDFSurface(None, 10, 10)  # a PDF target snapshots its sources: never a kept one
    assert source(small, pdf) is not source(small)
    monkeypatch.setattr(raster, "SOURCE_MAX_PIXELS", 40 * 30 - 1)
    big = Image.new("RGB", (40, 30), "blue")
    source(big)
    source(big)
    assert converted[3:] == [big, big] and len(raster._SOURCES) == 2


def test_two_threads_drawing_one_kept_image_take_turns(monkeypatch):
    """pixman's reference counts are not atomic: a kept cairo copy is drawn by one thread at a time."""
    import threading

    raster = composer.render.raster
    raster._SOURCES.clear()
    img = Image.new("RGB", (20, 20), "green")
    target = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, 4, 4)
    inside, overlap = [], []
    convert = raster.cairo_surface

    def slow_convert(image):  # every thread asks while the first copy is still being made
        threading.Event().wait(0.05)
        return convert(image)

    monkeypatch.setattr(raster, "cairo_surface", slow_convert)

    def draw():
        with raster.source_surface(img, target):
            inside.append(1)
            overlap.append(len(inside))
            threading.Event().wait(0.05)
            inside.pop()

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlap == [1, 1, 1, 1]


def test_an_svg_image_is_parsed_once_per_process_and_draws_the_same_pixels(tmp_path, monkeypatch):
    import cairosvg.parser

    raster = composer.render.raster
    raster._TREES.clear()
    parsed = []
    real_init = cairosvg.parser.Tree.__init__

    def counting_init(self, **kwargs):
        parsed.append(str(kwargs.get("url", ""))[:30])
        real_init(self, **kwargs)

    monkeypatch.setattr(cairosvg.parser.Tree, "__init__", counting_init)
    (tmp_path / "icon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" id="root" width="24" height="24">'
                                       '<circle cx="12" cy="12" r="9" fill="#0B5FFF"/></svg>')
    spec = _spec(tmp_path, {"type": "image", "src": "icon.svg", "box": {"x": 40, "y": 140, "width": 120, "height": 120}},
                 background={"style": "flat"})
    first = composer.build(spec, None, ["png"]).image
    images = [u for u in parsed if u.startswith("data:image/svg+xml")]
    assert len(images) == 1 and len(raster._TREES) == 1  # the legibility pass and the final render share it
    parsed.clear()
    again = composer.build(spec, None, ["png"]).image
    assert not [u for u in parsed if u.startswith("data:image/svg+xml")]  # a warm build parses it no more
    raster._TREES.clear()
    fresh = composer.build(spec, None, ["png"]).image
    assert first.tobytes() == again.tobytes() == fresh.tobytes()


@pytest.fixture
def image_draws(monkeypatch) -> list[int]:
    """The pixel sizes of the raster images drawn into a canvas, in this test."""
    import composer.render.artwork

    calls: list[int] = []
    real = composer.render.raster.draw_pixels

    def counting(surface, node, img):
        calls.append(img.width * img.height)
        return real(surface, node, img)

    monkeypatch.setattr(composer.render.raster, "draw_pixels", counting)
    composer.render.artwork.clear_cache()
    yield calls
    composer.render.artwork.clear_cache()


@pytest.mark.parametrize("text_on_top", [True, False])
def test_the_images_a_design_starts_with_are_drawn_once_per_process(tmp_path, monkeypatch, image_draws, text_on_top):
    """A full-bleed photo as the first element: the legibility pass, the final render and the next build
    all start from the one drawing of it, and the pixels are the bytes a plain render gives."""
    import composer.render.artwork as artwork

    _photo(tmp_path / "photo.png")
    spec = _spec(tmp_path, _image(), text_on_top=text_on_top)
    first = composer.build(spec, None, ["png"]).image
    assert image_draws == [480 * 600]
    second = composer.build(spec, None, ["png"]).image
    assert image_draws == [480 * 600]
    monkeypatch.setattr(artwork, "LAYER_MAX_PIXELS", 0)  # off: every render draws the photo itself
    plain = composer.build(spec, None, ["png"]).image
    assert image_draws == [480 * 600] * (2 if text_on_top else 3)
    assert first.tobytes() == second.tobytes() == plain.tobytes()


def test_an_edited_leading_photo_is_drawn_again(tmp_path, monkeypatch, image_draws):
    import composer.render.artwork as artwork

    _photo(tmp_path / "photo.png")
    spec = _spec(tmp_path, _image())
    composer.build(spec, None, ["png"])
    _photo(tmp_path / "photo.png", size=(400, 500))  # the same file name, new pixels
    edited = composer.build(spec, None, ["png"]).image
    assert image_draws == [480 * 600, 400 * 500]
    monkeypatch.setattr(artwork, "LAYER_MAX_PIXELS", 0)
    assert edited.tobytes() == composer.build(spec, None, ["png"]).image.tobytes()


def test_a_pass_without_text_on_a_flat_page_is_drawn_once_per_process(tmp_path, monkeypatch, image_draws):
    """The legibility pass's ground (everything but the text) of a flat-colour design is kept: a rebuild that
    changes only text draws none of it again, and every build gives the bytes a plain render gives."""
    import composer.render.artwork as artwork

    _photo(tmp_path / "photo.png")

    def spec(text: str) -> Path:
        path = tmp_path / "flat.yaml"
        path.write_text(yaml.safe_dump({"version": 1, "canvas": {"width": W, "height": H, "background": "#223344"},
                                        "elements": [
            {"type": "text", "id": "t", "text": text, "box": {"x": 20, "y": 20, "width": 280, "height": 80},
             "font": {"family": "Inter", "size": 32}, "color": "#FFFFFF"},
            _image(box={"x": 40, "y": 160, "width": 200, "height": 200}),
            {"type": "rect", "box": {"x": 10, "y": 300, "width": 100, "height": 50}, "fill": "rgba(255,0,0,0.5)"}]}),
            encoding="utf-8")
        return path

    first = composer.build(spec("First words"), None, ["png"]).image
    assert image_draws == [480 * 600]
    edited = composer.build(spec("Other words"), None, ["png"]).image
    assert image_draws == [480 * 600]  # the text moved nothing else: the ground came from the kept pixels
    monkeypatch.setattr(artwork, "LAYER_MAX_PIXELS", 0)
    assert composer.build(spec("Other words"), None, ["png"]).image.tobytes() == edited.tobytes()
    assert composer.build(spec("First words"), None, ["png"]).image.tobytes() == first.tobytes()
    assert first.tobytes() != edited.tobytes()
