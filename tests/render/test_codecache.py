"""Generated dataclass and namedtuple methods and typing's forward references, from code kept between CLI processes.

composer/core/codecache.py.
"""

from __future__ import annotations

import collections
import dataclasses
import os
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from composer.core import codecache

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PLACARD_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("PLACARD_CODE_CACHE", raising=False)
    codecache.uninstall()
    codecache._table.clear()
    yield tmp_path
    codecache.uninstall()
    codecache._table.clear()


def _classes():
    """A dataclass with defaults, a factory, a frozen one with ordering, and a namedtuple: new classes each call."""

    @dataclasses.dataclass
    class Box:
        x: int
        y: float = 1.5
        tags: list[str] = dataclasses.field(default_factory=list)

    @dataclasses.dataclass(frozen=True, order=True, slots=True)
    class Key:
        name: str
        size: int = 0

    Point = collections.namedtuple("Point", "x y z", defaults=(0,))
    return Box, Key, Point


def _forward_refs():
    """typing compiles a string annotation when it makes its ForwardRef (a TypedDict's fields, here)."""

    class Movie(typing.TypedDict):
        title: "str"
        year: "int | None"
        cast: "list[dict[str, Movie]]"

    return [typing.ForwardRef("dict[str, list[int]]").__forward_code__,
            *(ref.__forward_code__ for ref in Movie.__annotations__.values())]


METHODS = ("__init__", "__repr__", "__eq__", "__lt__", "__hash__", "__setattr__", "__delattr__", "__new__")


def _codes(classes):
    out = []
    for cls in classes:
        for name in METHODS:
            fn = cls.__dict__.get(name)
            code = getattr(getattr(fn, "__func__", fn), "__code__", None)
            if code is not None:
                out.append((cls.__name__, name, code, code.co_filename, code.co_qualname))
    return out


def test_kept_code_is_the_code_the_builtins_compile(cache, monkeypatch):
    real = _codes(_classes())  # exec, eval and compile as Python has them
    real_refs = _forward_refs()
    assert len(real) >= 8 and len(real_refs) == 4
    codecache.install()
    assert dataclasses.exec is codecache._exec and collections.eval is codecache._eval
    assert typing.compile is codecache._compile
    first = _codes(_classes())
    assert _forward_refs() == real_refs
    codecache.save()
    assert first == real  # code objects compare bytecode, constants, names, line table; plus file and qualname
    (kept,) = cache.glob("code-*.bin")

    codecache.uninstall()
    codecache._table.clear()
    codecache.install()  # the next process

    def no_compile(*args, **kwargs):
        raise AssertionError("compiled again, though its code was kept")

    monkeypatch.setattr(codecache, "compile", no_compile, raising=False)
    Box, Key, Point = classes = _classes()
    assert _codes(classes) == real and _forward_refs() == real_refs
    assert Box(2) == Box(2, 1.5, []) and repr(Box(3, tags=["a"])) == "_classes.<locals>.Box(x=3, y=1.5, tags=['a'])"
    assert Key("a") < Key("b") and hash(Key("a", 1)) == hash(Key("a", 1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        Key("a").size = 2
    assert Point(1, 2) == (1, 2, 0)


def test_a_damaged_table_or_another_interpreters_is_ignored(cache, monkeypatch):
    codecache.install()
    _classes()
    codecache.save()
    (kept,) = cache.glob("code-*.bin")
    assert len(codecache._load()) >= 8
    kept.write_bytes(kept.read_bytes()[:-5])  # fails its digest (composer.core.paths.read_kept_table)
    assert codecache._load() == {}
    codecache._grew = True
    codecache.save()
    monkeypatch.setattr(codecache, "_VERSION", codecache._VERSION + "|another build")
    monkeypatch.setattr(codecache, "_path", lambda: kept)  # the same file, read by another interpreter
    assert codecache._load() == {}


def test_code_objects_and_other_calls_go_to_the_builtins_untouched(cache):
    codecache.install()
    ns: dict = {}
    codecache._exec(compile("a = 6 * 7", "<t>", "exec"), ns)
    assert ns["a"] == 42 and codecache._eval("a + 1", ns) == 43
    assert ("exec", "a = 6 * 7") not in codecache._table and ("eval", "a + 1") in codecache._table
    # typing's compile: only its forward references' "<string>" evals; errors are the builtin's
    assert codecache._compile("x = 1", "<string>", "exec").co_filename == "<string>"
    assert codecache._compile("b * 2", "other.py", "eval").co_filename == "other.py"
    assert ("exec", "x = 1") not in codecache._table and ("eval", "b * 2") not in codecache._table
    with pytest.raises(SyntaxError):
        typing.ForwardRef("not an expression!")
    # kept entries are marshal bytes until first used; a damaged one is compiled again
    codecache._table[("eval", "6 * 9")] = b"\x00garbage"
    assert codecache._eval("6 * 9") == 54 and codecache._table[("eval", "6 * 9")].co_consts


def test_turning_it_off(cache, monkeypatch):
    monkeypatch.setenv("PLACARD_CODE_CACHE", "0")
    codecache.install()
    assert "exec" not in vars(dataclasses) and "eval" not in vars(collections) and "compile" not in vars(typing)


def test_the_cli_keeps_the_code_for_the_next_process(tmp_path):
    env = {**os.environ, "PLACARD_CACHE_DIR": str(tmp_path), "PYDANTIC_DISABLE_PLUGINS": "__all__"}  # as cli() sets it
    env.pop("PLACARD_CODE_CACHE", None)
    subprocess.run([sys.executable, "-m", "composer", "build", "samples/quote.yaml", "--format", "svg", "-o",
                    str(tmp_path / "out")], cwd=ROOT, env=env, check=True, capture_output=True)
    (kept,) = tmp_path.glob("code-*.bin")
    probe = ("import composer.core.codecache as c, composer.core.standins as s; c.install(); s.install(); "
             "import composer.pipeline; print(len(c._table), c._grew)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    entries, grew = out.stdout.split()
    assert int(entries) > 200 and grew == "False"  # every dataclass of the build path came from the kept code
