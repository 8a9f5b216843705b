"""Spec's core schema kept between processes (composer/spec/schemacache.py)."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from composer.spec import schemacache

ROOT = Path(__file__).resolve().parents[2]
needs_cache = pytest.mark.skipif(not schemacache._usable(), reason="a pydantic this cache was not checked against")

PROBE = """
import json, sys
import composer.spec.model as m
from composer.spec import schemacache
data = {"version": 1, "canvas": "a4", "background": {"style": "grain", "seed": 4}, "elements": [
    {"type": "text", "text": "Hello", "box": {"x": 10, "y": "5%", "width": 300, "height": 80}, "font": {"weight": "bold"}},
    {"type": "stat", "value": "41200", "label": "riders", "box": {"x": 0, "y": 0, "width": 200, "height": 100}},
    {"type": "group", "box": {"x": 0, "y": 0, "width": 50, "height": 50}, "elements": [{"type": "rect", "box": {"x": 0, "y": 0, "width": 5, "height": 5}}]}]}
errors = []
for bad in ({"version": 2}, {"elements": [{"type": "stat", "box": {"x": 0, "y": 0, "width": 1, "height": 1}, "valu": 1}]}):
    try:
        m.Spec.model_validate(bad)
    except Exception as e:
        errors.append(str(e))
print(json.dumps({"served": schemacache.served, "dump": m.Spec.model_validate(data).model_dump(mode="json", warnings=False),
                  "errors": errors, "schema": m.json_schema()}))
"""


def _probe(cache: Path, **env: str) -> dict:
    e = {**os.environ, "PLACARD_CACHE_DIR": str(cache), **env}
    e.pop("PLACARD_SCHEMA_CACHE", None) if "PLACARD_SCHEMA_CACHE" not in env else None
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=e, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "GenerateSchema" not in out.stderr, out.stderr  # pydantic's warning about subclassing it stays quiet
    return json.loads(out.stdout)


@needs_cache
def test_the_second_process_takes_the_kept_schema_and_validates_alike(tmp_path):
    first = _probe(tmp_path)
    (kept,) = tmp_path.glob("spec-schema-*.pickle")
    second = _probe(tmp_path)
    plain = _probe(tmp_path / "other", PLACARD_SCHEMA_CACHE="0")
    assert (first["served"], second["served"], plain["served"]) == ("built", "kept", "off")
    assert second["dump"] == plain["dump"] == first["dump"]
    assert second["errors"] == plain["errors"] and len(plain["errors"]) == 2
    assert second["schema"] == plain["schema"]


def test_the_key_covers_every_module_the_models_load(tmp_path):
    """The key hashes composer/spec and composer/core: importing the models must load nothing else of Placard's."""
    code = ("import sys, composer.spec.model; "
            "print(sorted(n for n in sys.modules if n.partition('.')[0] in ('composer', 'generator')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PLACARD_CACHE_DIR": str(tmp_path)})
    modules = eval(out.stdout)  # noqa: S307 - our own print of a list of names
    assert modules and all(n == "composer" or n.startswith(("composer.spec", "composer.core")) for n in modules), modules


@needs_cache
def test_a_damaged_or_hostile_file_is_not_used(tmp_path):
    _probe(tmp_path)
    (kept,) = tmp_path.glob("spec-schema-*.pickle")
    good = kept.read_bytes()
    import hashlib

    hostile = pickle.dumps(os.system)  # a name outside composer.spec: refused by the unpickler
    for damaged in (good[:-10], b"0" * 32 + good[32:],
                    hashlib.blake2b(hostile, digest_size=16).hexdigest().encode() + b"\n" + hostile):
        kept.write_bytes(damaged)
        got = _probe(tmp_path)
        assert got["served"] == "built" and got["dump"]["canvas"]["preset"] == "a4"
    assert _probe(tmp_path)["served"] == "kept"  # the last fallback kept a good file again


def test_the_unpickler_refuses_names_outside_the_spec_models():
    import io

    for obj in (os.system, subprocess.run, Path, eval):
        blob = pickle.dumps(obj)
        try:
            schemacache._Unpickler(io.BytesIO(blob)).load()
        except pickle.UnpicklingError as e:
            assert "is not allowed in a kept spec schema" in str(e)
        else:
            raise AssertionError(f"{obj!r} was unpickled")
    assert schemacache._getattr(schemacache, "served") is not None
    for name in ("__globals__", "__class__", "__init__"):
        try:
            schemacache._getattr(schemacache.complete, name)
        except pickle.UnpicklingError:
            continue
        raise AssertionError(name)
