"""Any design of bench/suite.py as a flat scene that satori and Chromium can draw (bench/compare.py --design).

Placard builds the design once; its resolved boxes, text sizes and colours, font files and rasters
become absolutely placed blocks (rect, text, image) in z-order, as bench/compare/design.mjs does by
hand for the benchmark. Text keeps Placard's line breaks; fonts are Placard's own files. A `template`
element (a badge, a logo plate) becomes an image block of the SVG fragment Placard drew for it (its
text as outlines), which satori and Chromium draw as an image. Designs with charts or print features
are refused: satori cannot express them.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

EXPRESSIBLE = {"rect", "text", "image", "illustration", "line", "group", "stack", "template"}


def _css(c: Any, opacity: float = 1.0) -> str:
    return f"rgba({c.r},{c.g},{c.b},{round(c.a * opacity, 4)})"


def _fill(layout: Any, p: Any) -> str | None:
    """A rect's fill as CSS: a colour, or a linear gradient (Placard's 90 degrees run top to bottom)."""
    fill = p.el.fill
    if fill is None:
        return None
    if isinstance(fill, str):
        return _css(layout.resolver.color(fill, p.path + ("fill",)))
    stops = []
    for i, s in enumerate(fill.stops):
        color, opacity = (s, 1.0) if isinstance(s, str) else (s.color, s.opacity)
        stops.append(_css(layout.resolver.color(color, p.path + ("fill", "stops", i)), opacity))
    return f"linear-gradient({fill.angle + 90}deg, {', '.join(stops)})"


def _image_block(p: Any, base: Path, tmp: Path, comp: Any) -> dict:
    box = p.box
    block = {"kind": "image", "x": box.x, "y": box.y, "w": box.width, "h": box.height,
             "fit": getattr(p.el, "fit", "fill"), "radius": float(getattr(p.el, "radius", 0) or 0)}
    if p.kind == "illustration":
        path = tmp / f"{p.id}.png"
        comp.rasters.illustrations[p.id].save(path)
        return block | {"src": str(path), "mime": "image/png"}
    if p.id in comp.rasters.image_hrefs:  # an SVG file (or the brand's logo), as Placard sanitised it
        path = tmp / f"{p.id}.svg"
        path.write_bytes(base64.b64decode(comp.rasters.image_hrefs[p.id].split(",", 1)[1]))
        return block | {"src": str(path), "mime": "image/svg+xml"}
    src = base / p.el.src
    return block | {"src": str(src), "mime": "image/png" if src.suffix.lower() == ".png" else "image/jpeg"}


def _template_block(p: Any, tmp: Path, comp: Any) -> dict:
    """A template element as the standalone SVG of the fragment Placard drew (canvas coordinates)."""
    box = p.frame
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{box.width}" height="{box.height}" '
           f'viewBox="{box.x} {box.y} {box.width} {box.height}" overflow="visible">{comp.renderer.template(p)}</svg>')
    path = tmp / f"{p.id}.svg"
    path.write_text(svg, encoding="utf-8")
    return {"kind": "image", "x": box.x, "y": box.y, "w": box.width, "h": box.height, "fit": "fill", "radius": 0.0,
            "src": str(path), "mime": "image/svg+xml"}


def _text_block(p: Any, comp: Any, fonts: dict[str, str]) -> dict:
    block = comp.legibility.texts[p.id]
    font = block.fonts[0] if block.fonts else ""
    family = fonts.setdefault(font, f"f{len(fonts)}")
    el = p.el
    return {"kind": "text", "x": p.box.x, "y": p.box.y, "w": p.box.width, "content": "\n".join(block.lines),
            "style": {"fontSize": round(block.size, 2), "fontFamily": family, "color": _css(comp.legibility.colors[p.id]),
                      "lineHeight": el.line_height, "textAlign": el.align if el.align in ("left", "center", "right") else "left",
                      "whiteSpace": "pre"}}


def scene(spec: Path, tmp: Path) -> dict:
    """Build `spec` with Placard and describe it as blocks; writes the rasters it needs into `tmp`."""
    import composer

    result = composer.build(spec, None, ["png"])
    comp = result.composition
    layout, c = comp.layout, comp.layout.canvas
    if c.bleed or c.dpi != 96:
        raise ValueError(f"{spec.name}: a print design (dpi {c.dpi}, bleed {c.bleed}); satori cannot express it")
    kinds = {p.kind for p in layout.walk()} - EXPRESSIBLE
    if kinds:
        raise ValueError(f"{spec.name}: {', '.join(sorted(kinds))} elements; satori cannot express them")
    background = None
    if comp.rasters.background is not None:
        background = str(tmp / "background.png")
        comp.rasters.background.save(background)
    fonts: dict[str, str] = {}
    blocks = []
    for p in layout.walk():
        if p.kind == "rect":
            blocks.append({"kind": "rect", "x": p.box.x, "y": p.box.y, "w": p.box.width, "h": p.box.height,
                           "style": {"background": _fill(layout, p) or "transparent",
                                     "borderRadius": float(p.el.radius or 0) if isinstance(p.el.radius, (int, float)) else 0}})
        elif p.kind == "line":
            (x1, y1), (x2, y2) = p.el.points[0], p.el.points[-1]
            w = p.el.width
            blocks.append({"kind": "rect", "x": min(x1, x2) - w / 2, "y": min(y1, y2) - w / 2, "w": abs(x2 - x1) + w,
                           "h": abs(y2 - y1) + w, "style": {"background": _css(layout.resolver.color(p.el.stroke, p.path + ("stroke",)))}})
        elif p.kind == "text":
            blocks.append(_text_block(p, comp, fonts))
        elif p.kind in ("image", "illustration"):
            blocks.append(_image_block(p, comp.loaded.base_dir, tmp, comp))
        elif p.kind == "template":
            blocks.append(_template_block(p, tmp, comp))
    return {"width": c.width, "height": c.height, "background": background,
            "color": c.background.hex if c.background is not None else "#FFFFFF",
            "fonts": [{"name": name, "path": path} for path, name in fonts.items()], "blocks": blocks}


def write_scene(spec: Path, tmp: Path) -> Path:
    """The scene of `spec` as JSON in `tmp` (for bench/compare/*.mjs --scene)."""
    path = tmp / "scene.json"
    path.write_text(json.dumps(scene(spec, tmp)), encoding="utf-8")
    return path
