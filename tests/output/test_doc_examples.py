"""Every ```yaml example in README.md and docs/ builds, as a user would copy it."""

from __future__ import annotations

import shutil

import pytest

import composer
from composer.spec.loader import load_spec
from doc_examples import ROOT, as_spec, yaml_examples

EXAMPLES = yaml_examples()
CANVAS = {"width": 800, "height": 500}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A folder like the README's: brand/, assets/ and data/ from samples/, an assets/logo.png, an empty my-templates/."""
    root = tmp_path_factory.mktemp("docs")
    for name in ("brand", "assets", "data"):
        if (ROOT / "samples" / name).is_dir():
            shutil.copytree(ROOT / "samples" / name, root / name)
    (root / "my-templates").mkdir()
    from PIL import Image

    Image.new("RGBA", (200, 80), (11, 95, 255, 255)).save(root / "assets" / "logo.png")  # the README's logo.png
    return root


def test_examples_are_found():
    assert len(EXAMPLES) >= 30
    assert not [w for w, d in EXAMPLES if d is None], "an empty ```yaml block"


@pytest.mark.slow
@pytest.mark.parametrize("where, data", EXAMPLES, ids=[w for w, _ in EXAMPLES])
def test_example_builds(workdir, where, data):
    if where.endswith("brand_file"):
        import yaml

        # a brand file sits in brand/; its LoRA file itself is not in the docs
        (workdir / "brand" / "doc.yaml").write_text(yaml.safe_dump({k: v for k, v in data.items() if k != "lora"}))
        spec = {"brand": "brand/doc.yaml", "canvas": CANVAS, "layout": "social/post", "slots": {"headline": "Hi"}}
        composer.build(load_spec(spec, base_dir=workdir), None, ["png"])
        return
    spec = as_spec(data, CANVAS)
    if "data" in spec:  # a campaign: give it the data file and photos it names, and build one row in every size
        _campaign_files(workdir, spec)
        (workdir / "campaign.yaml").write_text(__import__("yaml").safe_dump(spec))
        results = list(composer.build_many(workdir / "campaign.yaml", rows=None, out_dir=workdir / "out", formats=["png"], jobs=1))
        assert results and all(r.status == "built" for r in results), [(r.name, r.status, r.error) for r in results]
        return
    if spec.get("background", {}).get("generator") == "diffusion":
        # a diffusion example needs a model on disk: it must load and validate; the tiny-model tests build it
        from composer.layout.resolve import resolve_layout

        resolve_layout(load_spec(spec, base_dir=workdir))
        return
    result = composer.build(load_spec(spec, base_dir=workdir, name="example"), None, ["png"])
    assert result.image is not None


def _campaign_files(workdir, spec) -> None:
    """One data row with every column the example's placeholders name, and an image for each image path."""
    import re

    from PIL import Image

    text = __import__("json").dumps(spec)
    columns = sorted(set(re.findall(r"(?<!\$)\$\{(\w+)\}", text)) - {"size", "row"})
    row = {c: ("ab-12" if c == "sku" else "19" if c == "price" else f"Sample {c}") for c in columns}
    (workdir / spec["data"]).write_text(",".join(columns) + "\n" + ",".join(row[c] for c in columns) + "\n")
    for path in re.findall(r'"([^"]*\.(?:jpg|jpeg|png))"', text):
        target = workdir / re.sub(r"\$\{(\w+)\}", lambda m: row.get(m.group(1), ""), path)
        target.parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (320, 240), (200, 120, 40)).save(target)
