"""What sandboxed template expressions produce, counted against the build's budget (issue 16).

Jinja's sandbox stops attribute escapes but not size: `s ~ s` doubled in a loop, `'x'|center(10**9)`,
`'%999999999s'|format(1)` or `lipsum(10**6)` reach gigabytes. Every string or list a template
builds by concatenation, `+`, `*`, `join`, `replace` or padding is charged here to the build's
budget (the second slot of svg._BUDGET); widths past the largest canvas side are refused outright.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from jinja2 import filters as jfilters
from jinja2 import pass_eval_context
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import SecurityError

from composer.core.limits import MAX_SIDE, MAX_TEMPLATE_PRODUCED

__all__ = ["CheckedCodeGenerator", "checked_filters", "check_format_string", "charge"]

_WIDTH = re.compile(r"\d+")


def charge(budget: list[int], size: int) -> None:
    """Take `size` characters or items from the build's produced-output budget (slot 1)."""
    budget[1] -= size
    if budget[1] < 0:
        raise SecurityError(f"templates produced more than {MAX_TEMPLATE_PRODUCED:,} characters or items in all")


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 16


def check_width(width: Any, what: str) -> None:
    """Refuse padding widths past the largest canvas side."""
    if isinstance(width, int) and abs(width) > MAX_SIDE:
        raise SecurityError(f"{what} width {width:,} is over the limit of {MAX_SIDE:,}")


def check_format_string(spec: str) -> None:
    """Refuse `%`/`{}` format strings whose widths or precisions pass the largest canvas side."""
    for m in _WIDTH.finditer(spec):
        if len(m.group(0)) > 6 or int(m.group(0)) > MAX_SIDE:
            raise SecurityError(f"a format width or precision of {m.group(0)[:12]} is over the limit of {MAX_SIDE:,}")


def checked_filters(budget: Callable[[], list[int]]) -> dict[str, Callable]:
    """Replacements for the filters that can build large strings: they check widths and charge sizes."""

    def center(value: Any, width: int = 80) -> str:
        check_width(width, "center")
        out = jfilters.do_center(value, width)
        charge(budget(), len(out))
        return out

    def format_(value: Any, *args: Any, **kwargs: Any) -> str:
        check_format_string(str(value))
        out = jfilters.do_format(value, *args, **kwargs)
        charge(budget(), len(out))
        return out

    def indent(value: Any, width: Any = 4, *args: Any, **kwargs: Any) -> str:
        check_width(width if isinstance(width, int) else len(str(width)), "indent")
        out = jfilters.do_indent(value, width, *args, **kwargs)
        charge(budget(), len(out))
        return out

    @pass_eval_context
    def replace(eval_ctx: Any, value: Any, old: str, new: str, count: int | None = None) -> str:
        text = str(value)
        n = text.count(str(old)) if count is None else min(count, text.count(str(old)))
        charge(budget(), len(text) + n * max(0, len(str(new)) - len(str(old))))
        return jfilters.do_replace(eval_ctx, value, old, new, count)

    @pass_eval_context
    def join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
        out = jfilters.do_join(eval_ctx, value, d, attribute)
        charge(budget(), len(out))
        return out

    return {"center": center, "format": format_, "indent": indent, "replace": replace, "join": join}


class CheckedCodeGenerator(CodeGenerator):
    """Compiles `a ~ b` through `environment.checked_join`, so concatenation is charged too."""

    def visit_Concat(self, node: Any, frame: Any) -> None:
        if frame.eval_ctx.volatile:
            func_name = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            func_name = "markup_join"
        else:
            func_name = "str_join"
        self.write(f"environment.checked_join({func_name}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")
