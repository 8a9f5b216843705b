"""A plain SVG preview of a Drawing, and a Pillow-based text measure, for tests, benches and debugging.

The real pipeline draws primitives through templates/ and sets labels with composer.text; this
module exists so the geometry can be looked at (and QR codes decoded) without either.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from PIL import ImageFont

from .icons import icon_markup
from .primitives import Circle, Drawing, Icon, Line, Path, Rect, simple_measure

__all__ = ["pillow_measure", "preview_svg"]

_FONTS = {400: ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
          700: ("DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")}


@lru_cache(maxsize=256)
def _font(size: float, bold: bool):
    for name in _FONTS[700 if bold else 400]:
        try:
            return ImageFont.truetype(name, max(1, round(size * 4)))  # 4x then scaled: sub-pixel widths
        except OSError:
            continue
    return None


@lru_cache(maxsize=8192)
def pillow_measure(text: str, size: float, weight: int = 400) -> tuple[float, float]:
    """Advance width of the widest line and 1.2 em per line, measured with DejaVu Sans via Pillow."""
    font = _font(size, weight >= 600)
    if font is None:
        return simple_measure(text, size, weight)
    lines = text.split("\n")
    width = max(font.getlength(line) for line in lines) / 4
    return width, size * 1.2 * len(lines)


def _shape(p) -> str:
    if isinstance(p, Rect):
        stroke = f' stroke="{p.stroke}" stroke-width="{p.stroke_width}"' if p.stroke else ""
        return (f'<rect x="{p.x:.2f}" y="{p.y:.2f}" width="{max(0, p.w):.2f}" height="{max(0, p.h):.2f}" '
                f'rx="{p.radius:.2f}" fill="{p.fill}" opacity="{p.opacity}"{stroke}/>')
    if isinstance(p, Line):
        dash = f' stroke-dasharray="{p.dash}"' if p.dash else ""
        return (f'<line x1="{p.x1:.2f}" y1="{p.y1:.2f}" x2="{p.x2:.2f}" y2="{p.y2:.2f}" stroke="{p.stroke}" '
                f'stroke-width="{p.width}" opacity="{p.opacity}"{dash}/>')
    if isinstance(p, Path):
        stroke = f' stroke="{p.stroke}" stroke-width="{p.width}" stroke-linejoin="round"' if p.stroke else ""
        return f'<path d="{p.d}" fill="{p.fill}" opacity="{p.opacity}"{stroke}/>'
    if isinstance(p, Circle):
        stroke = f' stroke="{p.stroke}" stroke-width="{p.width}"' if p.stroke else ""
        return f'<circle cx="{p.cx:.2f}" cy="{p.cy:.2f}" r="{p.r:.2f}" fill="{p.fill}" opacity="{p.opacity}"{stroke}/>'
    if isinstance(p, Icon):
        return icon_markup(p)
    raise TypeError(f"unknown primitive {p!r}")


def preview_svg(drawing: Drawing, width: float, height: float, background: str = "#FFFFFF",
                show_boxes: bool = False) -> str:
    """An SVG document of the drawing; labels as DejaVu <text>, optionally with their boxes outlined."""
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {width:.0f} {height:.0f}">',
           f'<rect width="100%" height="100%" fill="{background}"/>']
    out += [_shape(p) for p in drawing.primitives]
    for label in drawing.labels:
        b = label.box
        if show_boxes:
            out.append(f'<rect x="{b.x:.2f}" y="{b.y:.2f}" width="{b.width:.2f}" height="{b.height:.2f}" '
                       f'fill="none" stroke="#FF00FF" stroke-width="0.5"/>')
        x, anchor = {"left": (b.x, "start"), "center": (b.x + b.width / 2, "middle"),
                     "right": (b.right, "end")}[label.align]
        for i, line in enumerate(label.lines):
            baseline = b.y + label.size * (1.2 * i + 0.95)
            out.append(f'<text x="{x:.2f}" y="{baseline:.2f}" font-family="DejaVu Sans" '
                       f'font-size="{label.size:.2f}" font-weight="{label.weight}" fill="{label.color}" '
                       f'text-anchor="{anchor}">{escape(line)}</text>')
    out.append("</svg>")
    return "\n".join(out)
