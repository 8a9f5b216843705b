"""The stage hand-offs are typed: no `Any` in a public signature or dataclass field of a hand-off module.

docs/ARCHITECTURE.md ("Hand-off types") names the modules where one stage hands the next its result.
CI runs mypy with `disallow_any_explicit` on most of them (pyproject.toml); this test reads their source
with `ast`, so it also covers the three mypy cannot hold to that rule, and it runs with the suite.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The modules whose public functions and dataclasses are the hand-offs between stages.
BOUNDARY = [
    "composer/core/options.py",  # BuildOptions
    "composer/spec/loader.py",  # LoadedSpec
    "composer/layout/resolve.py",  # Layout, Placed, Canvas, Brand
    "composer/text/block.py",  # TextBlock, set_text
    "composer/text/typeset.py",  # set_element, text_style
    "composer/text/stack.py",  # lay_out
    "composer/charts/stage.py",  # draw_charts
    "composer/charts/primitives.py",  # Drawing
    "composer/rasters/paint.py",  # Rasters, paint
    "composer/legibility/apply.py",  # Legibility, apply
    "composer/render/svg.py",  # Scene, SvgRenderer
    "composer/render/artwork.py",  # Artwork
    "composer/output/formats.py",  # encode, register_format
    "composer/pipeline.py",  # Composition, BuildResult, build, compose
]

# Known exceptions, each with its reason. An entry that no longer matches fails the test too.
ALLOWED = {
    # The element model: a union of 20 pydantic models (composer.spec.model.Element). Typing it as that
    # union needs an isinstance narrowing at ~80 reads of p.el across 8 modules; until then, Any.
    ("composer/layout/resolve.py", "Placed.el"),
}


def _mentions_any(node: ast.AST | None) -> bool:
    """Whether an annotation is or contains `Any` (also in quotes), or `Callable[..., X]`."""
    if node is None:
        return False
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id == "Any":
            return True
        if isinstance(sub, ast.Attribute) and sub.attr == "Any":
            return True
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):  # a quoted (forward) annotation
            try:
                if _mentions_any(ast.parse(sub.value, mode="eval").body):
                    return True
            except SyntaxError:
                pass
        if (isinstance(sub, ast.Subscript) and isinstance(sub.value, (ast.Name, ast.Attribute))
                and (sub.value.id if isinstance(sub.value, ast.Name) else sub.value.attr) == "Callable"
                and isinstance(sub.slice, ast.Tuple) and sub.slice.elts
                and isinstance(sub.slice.elts[0], ast.Constant) and sub.slice.elts[0].value is Ellipsis):
            return True
    return False


def _is_dataclass(cls: ast.ClassDef) -> bool:
    for d in cls.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        if (isinstance(target, ast.Name) and target.id == "dataclass") or (
                isinstance(target, ast.Attribute) and target.attr == "dataclass"):
            return True
    return False


def _function_problems(fn: ast.FunctionDef | ast.AsyncFunctionDef, owner: str) -> list[str]:
    name = f"{owner}{fn.name}"
    out = []
    a = fn.args
    params = [*a.posonlyargs, *a.args, *a.kwonlyargs, *([a.vararg] if a.vararg else []), *([a.kwarg] if a.kwarg else [])]
    for p in params:
        if _mentions_any(p.annotation):
            out.append(f"{name}({p.arg})")
    if _mentions_any(fn.returns):
        out.append(f"{name} -> return")
    return out


def boundary_problems(source: str) -> list[str]:
    """Every public signature part and dataclass field of a module's source annotated with Any."""
    tree = ast.parse(source)
    out: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            out += _function_problems(node, "")
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            dataclass = _is_dataclass(node)
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                        not item.name.startswith("_") or item.name == "__init__"):
                    out += _function_problems(item, f"{node.name}.")
                elif (dataclass and isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
                        and not item.target.id.startswith("_") and _mentions_any(item.annotation)):
                    out.append(f"{node.name}.{item.target.id}")
    return out


def test_the_check_finds_any():
    """The checker itself: each way Any can sit at a boundary is caught; private names are not boundaries."""
    source = '''
from dataclasses import dataclass
import typing
from typing import Any, Callable

def load(data: Any, *, base: str) -> int: ...
def run(*args: int, **kwargs: "dict[str, Any]") -> None: ...
def back() -> typing.Any: ...
def hook(fn: Callable[..., int]) -> None: ...
def _private(x: Any) -> Any: ...

@dataclass
class Result:
    meta: dict[str, Any]
    ok: "list[Any] | None" = None
    _cache: Any = None
    def get(self, key: str) -> Any: ...

class Plain:
    x: Any
'''
    assert boundary_problems(source) == [
        "load(data)", "run(kwargs)", "back -> return", "hook(fn)", "Result.meta", "Result.ok", "Result.get -> return",
    ]


@pytest.mark.parametrize("module", BOUNDARY)
def test_no_any_at_stage_boundaries(module: str):
    found = {(module, p) for p in boundary_problems((ROOT / module).read_text(encoding="utf-8"))}
    assert sorted(found - ALLOWED) == [], "Any at a stage boundary: use the stage's own types, object, or JSONValue"
    stale = {a for a in ALLOWED if a[0] == module} - found
    assert not stale, f"no longer Any, remove from ALLOWED: {sorted(stale)}"


@pytest.mark.skipif(sys.version_info < (3, 11), reason="tomllib is Python 3.11+")
def test_mypy_holds_the_boundary_modules():
    """Each hand-off module is strict in pyproject.toml's mypy config (the ones that keep Any inside at least
    have every function annotated), so the boundary list here and the CI check cannot drift apart."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    no_any, typed_defs = set(), set()
    for o in config.get("overrides", []):
        mods = {o["module"]} if isinstance(o["module"], str) else set(o["module"])
        if o.get("disallow_any_explicit"):
            no_any |= mods
        if o.get("disallow_untyped_defs"):
            typed_defs |= mods
    names = {m.removesuffix(".py").replace("/", ".") for m in BOUNDARY}
    assert names <= typed_defs
    assert names - no_any == {"composer.spec.loader", "composer.render.svg", "composer.layout.resolve"}
    assert not config.get("ignore_missing_imports"), "ignore missing imports per library, in an override"
