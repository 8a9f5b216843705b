"""What element templates (`type: template`) see and how their mistakes are reported.

`color(name)` gives a colour that prints as CSS; a failing template is named by its file and line; an
unknown template name lists the ones there are; a template whose output is not well-formed SVG is caught
before it reaches the whole document, where the line numbers would be the composed SVG's.
"""

from __future__ import annotations

import traceback
from pathlib import Path

from defusedxml import ElementTree as SafeET
from jinja2 import Environment, TemplateNotFound

from composer.core.colour import RGBA

__all__ = ["TemplateColour", "block_names", "check_fragment", "template_line"]

# Element kinds' own templates: not something a `type: template` element names.
INTERNAL = frozenset({"document", "group", "illustration", "image", "line", "rect", "text", "text_live"})


class TemplateColour(str):
    """A colour in a template: prints as its CSS colour (#RRGGBB or rgba()), and has .hex, .r, .g, .b, .a, .css."""

    __slots__ = ("rgba",)
    rgba: RGBA

    def __new__(cls, rgba: RGBA) -> TemplateColour:
        obj = super().__new__(cls, rgba.css())
        obj.rgba = rgba
        return obj

    @property
    def hex(self) -> str:
        return self.rgba.hex

    @property
    def css(self) -> str:
        return self.rgba.css()

    @property
    def r(self) -> int:
        return self.rgba.r

    @property
    def g(self) -> int:
        return self.rgba.g

    @property
    def b(self) -> int:
        return self.rgba.b

    @property
    def a(self) -> float:
        return self.rgba.a


def block_names(env: Environment) -> list[str]:
    """The template names a `type: template` element may use: the user's folder and the built-in blocks."""
    names = set()
    assert env.loader is not None  # template_env always gives one
    for t in env.list_templates(filter_func=lambda n: n.endswith(".svg.j2") and "/" not in n):
        name = t[: -len(".svg.j2")]
        if name in INTERNAL:
            continue
        try:
            env.loader.get_source(env, t)
        except TemplateNotFound:  # a symlink out of the folder, or to a device: the loader refuses it
            continue
        except Exception:  # oversized and the like: it exists, and using it says what is wrong
            pass
        names.add(name)
    return sorted(names)


def template_line(exc: BaseException) -> str | None:
    """`FILE:LINE` of the template line that raised, from the traceback Jinja2 rewrites to template lines."""
    where = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith(".j2"):
            where = f"{Path(frame.filename).name}:{frame.lineno}"
    return where


def check_fragment(markup: str, name: str, filename: str | None) -> str | None:
    """A message when a template's output is not well-formed XML; None when it is."""
    wrapped = f'<g xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n{markup}\n</g>'
    try:
        SafeET.fromstring(wrapped, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except SafeET.ParseError as e:
        line, col = getattr(e, "position", (0, 0))
        msg = str(e).split(":")[0]
        source = Path(filename).name if filename else f"{name}.svg.j2"
        return f"template {name!r} ({source}) wrote invalid SVG: {msg} at line {line - 1}, column {col + 1} of its output"
    except Exception as e:  # defusedxml refuses entities and DTDs: a template must not write them
        return f"template {name!r} wrote markup that SVG output may not hold: {type(e).__name__}"
    return None


