"""`${column}` placeholders: the row's value goes in literally, as plain text.

A value is never read as markup, Jinja or another placeholder: a template string is parsed once
into literal and placeholder parts, and values are joined in without being looked at again. In a
text element's `text` (where Placard's inline markup applies) the value is escaped for markup, so
`**`, `*` and `[accent]{x}` print as written. `$${` gives a literal `${`.

A field that holds only a placeholder whose value is empty is absent: the key is removed, and an
element or slot that loses its content (text, src, prompt, value) is not drawn.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Any, Callable

from composer.core.errors import SpecError

ABSENT = object()  # a field whose only placeholder is empty
_TOKEN = re.compile(r"\$\$\{|\$\{([^}]*)\}|\$\{")
_MARKUP_SPECIAL = re.compile(r"([\\*\[\]{}])")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
CONTENT_KEYS = ("text", "src", "prompt", "value", "params")
# Keys whose schema takes a number: a numeric string there becomes a number, so the element's own
# `format:` (currency, percent, ...) applies to it.
NUMBER_KEYS = frozenset({"value", "delta", "min", "max", "values", "target", "total"})
BUILTINS = ("row", "size")


class MissingColumn(Exception):
    """A placeholder names a column the row does not have."""

    def __init__(self, name: str, available: list[str]):
        hint = difflib.get_close_matches(name, available, n=1)
        did = f"did you mean {hint[0]!r}? " if hint else ""
        cols = ", ".join(available) if available else "none"
        super().__init__(f"no column {name!r}; {did}available: {cols}")
        self.name = name


@lru_cache(maxsize=4096)
def parse(template: str) -> tuple[tuple[str, str], ...]:
    """Split a string into ("lit", text) and ("var", name) parts; SpecError for an unclosed `${`."""
    parts: list[tuple[str, str]] = []
    pos = 0
    for m in _TOKEN.finditer(template):
        if m.start() > pos:
            parts.append(("lit", template[pos:m.start()]))
        tok = m.group(0)
        if tok == "$${":
            parts.append(("lit", "${"))
        elif m.group(1) is None:
            raise SpecError(f"placeholder '${{' at character {m.start() + 1} is never closed with '}}'; write $${{ for a literal '${{'")
        else:
            name = m.group(1).strip()
            if not name:
                raise SpecError(f"empty placeholder '${{}}' at character {m.start() + 1}; write ${{column}}")
            parts.append(("var", name))
        pos = m.end()
    if pos < len(template):
        parts.append(("lit", template[pos:]))
    return tuple(parts)


def names(template: str) -> list[str]:
    """The columns a string's placeholders name."""
    return [v for kind, v in parse(template) if kind == "var"] if "${" in template else []


def escape_markup(value: str) -> str:
    """Escape Placard's inline markup characters so a value prints exactly as written."""
    return _MARKUP_SPECIAL.sub(r"\\\1", value)


def render(template: str, values: dict[str, str], *, markup: bool = False, number: bool = False) -> Any:
    """The string with its placeholders filled; ABSENT when it is one placeholder with an empty value."""
    if "$" not in template:
        return template
    parts = parse(template)
    if len(parts) == 1 and parts[0][0] == "var":
        value = _lookup(parts[0][1], values)
        if not value.strip():
            return ABSENT
        if number and _NUMBER.fullmatch(value.strip()):
            v = value.strip()
            return int(v) if v.lstrip("+-").isdigit() else float(v)
    out = []
    for kind, text in parts:
        if kind == "lit":
            out.append(text)
        else:
            value = _lookup(text, values)
            out.append(escape_markup(value) if markup else value)
    return "".join(out)


def _lookup(name: str, values: dict[str, str]) -> str:
    try:
        return values[name]
    except KeyError:
        raise MissingColumn(name, [k for k in values if k not in BUILTINS]) from None


def substitute(tree: Any, values: dict[str, str], is_markup: Callable[[tuple], bool],
               used: dict[tuple, list[str]] | None = None, path: tuple = ()) -> Any:
    """A copy of a spec tree with every string's placeholders filled; ABSENT values removed."""
    if isinstance(tree, str):
        if "$" not in tree:
            return tree
        if used is not None and (cols := names(tree)):
            used[path] = cols
        key = next((p for p in reversed(path) if isinstance(p, str)), None)
        return render(tree, values, markup=is_markup(path), number=key in NUMBER_KEYS)
    if isinstance(tree, dict):
        out = {}
        for k, v in tree.items():
            new = substitute(v, values, is_markup, used, path + (k,))
            if new is not ABSENT:
                out[k] = new
        return out
    if isinstance(tree, list):
        items = [substitute(v, values, is_markup, used, path + (i,)) for i, v in enumerate(tree)]
        return [v for v in items if v is not ABSENT]
    return tree


def drop_empty(spec: dict, original: dict) -> dict:
    """Leave out slots and elements whose content a placeholder emptied (never draw an empty pill)."""
    slots = spec.get("slots")
    if isinstance(slots, dict):
        before = original.get("slots") or {}
        for name in list(slots):
            if isinstance(slots[name], dict) and isinstance(before.get(name), dict) and _lost_content(before[name], slots[name]):
                del slots[name]
    elements = spec.get("elements")
    if isinstance(elements, list) and isinstance(original.get("elements"), list) and len(elements) == len(original["elements"]):
        spec["elements"] = [e for e, o in zip(elements, original["elements"])
                            if not (isinstance(e, dict) and isinstance(o, dict) and _lost_content(o, e))]
    return spec


def _lost_content(before: dict, after: dict) -> bool:
    if isinstance(before.get("params"), dict) and "text" in before["params"]:  # a template's text
        if "text" not in (after.get("params") or {}):
            return True
    return any(k in before and k not in after for k in CONTENT_KEYS)
