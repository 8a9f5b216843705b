"""The ```yaml examples of README.md and docs/, for the tests that check they validate and build."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^```yaml[^\n]*\n(.*?)^```", re.S | re.M)


def doc_files() -> list[Path]:
    """README.md and every Markdown file under docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def yaml_examples() -> list[tuple[str, object]]:
    """(FILE:LINE, parsed YAML) for every ```yaml block; a block that starts with `# brand/...` is a brand file (marked brand_file)."""
    out = []
    for path in doc_files():
        text = path.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            where = f"{path.relative_to(ROOT)}:{line}"
            body = m.group(1)
            if re.match(r"#\s*brand/", body.lstrip()):
                where += " brand_file"
            out.append((where, yaml.safe_load(body)))
    return out


def as_spec(data: object, canvas: dict | None = None) -> dict:
    """An element list or a fragment as the docs say to use it: under `elements:`, on a canvas when none is given."""
    if isinstance(data, list):
        data = {"elements": data}
    data = dict(data)  # type: ignore[arg-type]
    if "canvas" not in data and "layout" not in data:
        data["canvas"] = canvas or {"width": 800, "height": 500}
    return data
