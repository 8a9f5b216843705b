"""What a cold process keeps on disk for the next one: cairo's parsed declarations and compiled templates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[2]

# Draws with cairocffi and reports which FFI served it, whether pycparser ran, and a pixel.
PROBE = """
import json, sys
import composer, cairocffi
s = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, 4, 4)
c = cairocffi.Context(s)
c.set_source_rgba(0.2, 0.4, 0.6, 0.8)
c.rectangle(1, 1, 2, 2)
c.fill()
s.flush()
print(json.dumps({"ffi": type(cairocffi.ffi).__module__, "pycparser": "pycparser" in sys.modules,
                  "pixels": list(bytes(s.get_data())), "version": cairocffi.cairo_version()}))
"""


def _probe(cache: Path, **env: str) -> dict:
    e = {**os.environ, "PLACARD_CACHE_DIR": str(cache), **env}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=e, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_cairocffi_is_served_from_kept_tables_after_the_first_import(tmp_path):
    first = _probe(tmp_path)
    assert first["ffi"] == "cffi.api" and first["pycparser"]  # cairocffi's own way: the header is parsed
    (kept,) = tmp_path.glob("cairocffi-ffi-*.bin")
    second = _probe(tmp_path)
    assert second["ffi"] == "_cffi_backend" and not second["pycparser"]  # no header parse this time
    assert second["pixels"] == first["pixels"] and second["version"] == first["version"]
    assert any(second["pixels"])


def test_damaged_tables_fall_back_to_cairocffis_own_import_and_are_made_again(tmp_path):
    reference = _probe(tmp_path)
    (kept,) = tmp_path.glob("cairocffi-ffi-*.bin")
    for damage in (b"{not marshal", kept.read_bytes()[:-7], b"0" * 32 + b"\n" + kept.read_bytes()[33:]):
        kept.write_bytes(damage)
        got = _probe(tmp_path)
        assert got["pixels"] == reference["pixels"]
    assert _probe(tmp_path)["ffi"] == "_cffi_backend"  # the last fallback kept good tables again


def test_the_kept_tables_can_be_turned_off(tmp_path):
    _probe(tmp_path)
    assert _probe(tmp_path, PLACARD_CAIROCFFI_CDEF="1")["ffi"] == "cffi.api"


def test_templates_compile_once_and_later_environments_load_the_bytecode(tmp_path, monkeypatch):
    from composer.render import svg

    monkeypatch.setenv("PLACARD_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(svg, "_ENVS", type(svg._ENVS)())
    env = svg.template_env(None)
    expected = env.get_template("group.svg.j2").render(id="g", opacity=0.5, children="<rect/>")
    (folder,) = tmp_path.glob("jinja-*")
    assert list(folder.iterdir())  # the compiled template was kept

    monkeypatch.setattr(svg, "_ENVS", type(svg._ENVS)())
    fresh = svg.template_env(None)

    def no_compile(*args, **kwargs):
        raise AssertionError("compiled again, though its bytecode was kept")

    monkeypatch.setattr(fresh, "compile", no_compile)
    again = fresh.get_template("group.svg.j2").render(id="g", opacity=0.5, children="<rect/>")
    assert again == expected


def test_a_cache_folder_that_cannot_be_written_costs_only_the_compile(tmp_path, monkeypatch):
    from composer.render import svg

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("PLACARD_CACHE_DIR", str(blocked))
    monkeypatch.setattr(svg, "_ENVS", type(svg._ENVS)())
    env = svg.template_env(None)
    assert env.bytecode_cache is None
    assert "&lt;rect/&gt;" in env.get_template("group.svg.j2").render(id="g", opacity=0.5, children="<rect/>")


def _tables_file(path: Path, data: object) -> Path:
    import hashlib
    import marshal

    blob = marshal.dumps(data)
    path.write_bytes(hashlib.blake2b(blob, digest_size=16).hexdigest().encode() + b"\n" + blob)
    return path


GOOD = {"ffi": {"_version": 0x2601, "_types": b"\x00", "_globals": (b"\x00x", 1)},
        "ffi_pixbuf": {"_version": 0x2601, "_types": b"", "_globals": ()}}


@pytest.mark.parametrize("bad", [
    compile("__import__('os')", "<x>", "eval"),  # a code object, with a good digest: still never loaded
    {**GOOD, "ffi": {**GOOD["ffi"], "_globals": (compile("1", "<x>", "eval"),)}},
    {**GOOD, "ffi": {**GOOD["ffi"], "_types": 1.5}},
    {**GOOD, "ffi": {**GOOD["ffi"], "_types": frozenset()}},
    {"ffi": GOOD["ffi"]},
    [1, 2],
])
def test_load_tables_reads_plain_data_only(tmp_path, bad):
    from composer.core.cairoffi import load_tables

    assert load_tables(_tables_file(tmp_path / "t.bin", bad)) is None
    assert load_tables(_tables_file(tmp_path / "t.bin", GOOD)) == GOOD


def test_a_damaged_or_truncated_tables_file_is_a_miss(tmp_path):
    from composer.core.cairoffi import load_tables

    path = _tables_file(tmp_path / "t.bin", GOOD)
    blob = path.read_bytes()
    for damaged in (blob[:-3], blob[:10], b"", blob.replace(b"_types", b"_typez")):
        path.write_bytes(damaged)
        assert load_tables(path) is None


def test_new_tables_replace_stale_ones(tmp_path):
    from composer.core.cairoffi import save_tables

    (tmp_path / "cairocffi-ffi-old.txt").write_text("{}")
    save_tables(tmp_path / "cairocffi-ffi-new.bin", GOOD)
    assert [p.name for p in tmp_path.iterdir()] == ["cairocffi-ffi-new.bin"]
