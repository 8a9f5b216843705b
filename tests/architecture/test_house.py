"""The house rules of issue 10 that a linter does not check: read from the source with `ast`."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("composer", "generator")
MAX_FUNCTION_LINES = 80


def _modules() -> dict[str, Path]:
    mods = {}
    for pkg in PACKAGES:
        for f in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(f.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            mods[".".join(parts)] = f
    return mods


def _imports(name: str, path: Path, mods: dict[str, Path]) -> set[str]:
    """Project modules `name` imports anywhere: top level, in functions, under TYPE_CHECKING."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in mods:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def test_no_module_cycles():
    mods = _modules()
    graph = {name: _imports(name, path, mods) for name, path in mods.items()}
    # a package's parent is imported implicitly; only the edges written in the code count
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError naming the cycle


def test_the_cycle_check_sees_a_function_level_import(tmp_path):
    mods = {"composer.a": tmp_path / "a.py", "composer.b": tmp_path / "b.py"}
    mods["composer.a"].write_text("def f():\n    from composer import b\n", encoding="utf-8")
    mods["composer.b"].write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from composer.a import f\n",
                                  encoding="utf-8")
    graph = {name: _imports(name, path, mods) for name, path in mods.items()}
    assert graph == {"composer.a": {"composer.b"}, "composer.b": {"composer.a"}}


def test_no_function_is_longer_than_80_lines():
    long = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {lines} lines")
    assert long == []


def test_at_most_eight_modules_at_the_top_of_composer():
    top = sorted(p.name for p in (ROOT / "composer").glob("*.py"))
    assert len(top) <= 8, top


def test_every_stage_package_exists_in_data_flow_order():
    stages = ["core", "spec", "layout", "text", "charts", "rasters", "legibility", "render", "output"]
    assert all((ROOT / "composer" / s / "__init__.py").is_file() for s in stages)
