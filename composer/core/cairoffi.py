"""A fast `import cairocffi`: cairo's parsed C declarations kept as data in the user cache.

cairocffi 1.7 declares cairo's API with `ffi.cdef(...)`, so every import parses about 60 KB of C
header with pycparser: about 170 ms, an eighth of a cold `python -m composer build`. cffi can write
the parsed tables out as an "out-of-line ABI" module (what cairocffi itself shipped up to 1.0), and
those load in a millisecond. No library does this for an installed cairocffi, hence this module:

- The first import in a fresh cache goes cairocffi's own way; then the two FFI objects it made
  (`ffi`, and `ffi_pixbuf`, which includes it) are emitted with cffi's own generator, and the
  keyword tables of each `_cffi_backend.FFI(...)` call are written to the user cache as plain data
  (a dict of bytes, ints and tuples) in `marshal`'s format, the one `__pycache__` uses.
- Every later import serves `cairocffi.ffi` from those tables through a meta path finder. The file
  is loaded as data, never executed: after `marshal.loads` every value is checked to be a dict,
  tuple, bytes, str, int or None, so a code object or anything else makes a miss. `marshal` reads
  it in well under a millisecond, where `ast.literal_eval` of the same tables as text took 8 ms.
  The file is keyed by the bytes of cairocffi's `ffi.py` and `constants.py`, the cffi backend's
  version and the interpreter's cache tag, so an upgrade of any of them makes a miss.
- With xcffib installed (cairo's XCB surfaces), with no cache folder, or on any surprise, the hook
  steps aside and cairocffi imports as it always did.

`install()` is called by `composer/__init__.py`, before anything imports cairocffi.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import marshal
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from composer.core.paths import read_digested, user_cache, write_digested

TARGET = "cairocffi.ffi"
_NAMES = ("ffi", "ffi_pixbuf")  # what cairocffi.ffi defines and the rest of cairocffi imports
_MODULES = {"ffi": "placard_cairocffi_ffi", "ffi_pixbuf": "placard_cairocffi_pixbuf"}


def cache_path(origin: str) -> Path | None:
    """Where the tables for the cairocffi whose ffi.py is `origin` live (None without a cache folder)."""
    import _cffi_backend  # type: ignore[import-untyped]

    here = Path(origin)
    digest = hashlib.blake2b(digest_size=12)
    for part in (here, here.with_name("constants.py")):
        digest.update(part.read_bytes())
    digest.update(f"{_cffi_backend.__version__} {sys.implementation.cache_tag} {marshal.version}".encode())
    return user_cache(f"cairocffi-ffi-{digest.hexdigest()}.bin")


_REQUIRED = ("_version", "_types", "_globals")


def load_tables(path: Path) -> dict[str, dict] | None:
    """The kept tables, or None when the file is missing, damaged or not what `save_tables` writes.

    The first line is a BLAKE2 digest of the rest, so a truncated or damaged file is a miss.
    """
    blob = read_digested(path)
    if blob is None:
        return None
    try:
        data = marshal.loads(blob)
    except (ValueError, EOFError, TypeError, MemoryError, RecursionError):
        return None
    if not (isinstance(data, dict) and set(data) == set(_NAMES) and _plain(data)
            and all(isinstance(v, dict) and all(k in v for k in _REQUIRED) for v in data.values())):
        return None
    return data


_LEAVES = (bytes, str, int, type(None))  # bool is an int


def _plain(value: object, depth: int = 0) -> bool:
    """True when `value` is only dicts, tuples, bytes, str, int and None (what cffi's tables hold)."""
    if isinstance(value, _LEAVES):
        return True
    if depth > 8:
        return False
    if type(value) is tuple:
        return all(_plain(v, depth + 1) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _plain(v, depth + 1) for k, v in value.items())
    return False


def save_tables(path: Path, tables: dict[str, dict]) -> None:
    if not _plain(tables):
        raise ValueError("cffi tables with values that are not plain data")
    # another cairocffi, cffi or Python's tables (or the old text form) are replaced
    write_digested(path, marshal.dumps(tables), replaces="cairocffi-ffi-*")


def emit_tables(module: ModuleType) -> dict[str, dict]:
    """The `_cffi_backend.FFI` keywords of cairocffi's two FFI objects, by cffi's own out-of-line emitter."""
    import contextlib
    import io
    import tempfile

    from cffi import recompiler  # type: ignore[import-untyped]

    tables: dict[str, dict] = {}
    objects = [getattr(module, name) for name in _NAMES]
    try:
        for name, ffi in zip(_NAMES, objects):
            ffi.set_source(_MODULES[name], None)  # the included ffi needs its name for ffi_pixbuf's emit
        with tempfile.TemporaryDirectory() as tmp:
            for name, ffi in zip(_NAMES, objects):
                target = os.path.join(tmp, _MODULES[name] + ".py")
                with contextlib.redirect_stdout(io.StringIO()):
                    recompiler.make_py_source(ffi, _MODULES[name], target)
                tables[name] = _keywords(Path(target).read_text(encoding="utf-8"))
    finally:
        for ffi in objects:  # leave cairocffi's objects as they were
            ffi.__dict__.pop("_assigned_source", None)
    return tables


def _keywords(source: str) -> dict:
    """The literal keywords of the one `_cffi_backend.FFI(...)` call in an emitted module; `_includes` dropped."""
    import ast

    calls = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and node.func.attr == "FFI"]
    if len(calls) != 1:
        raise ValueError("emitted module without exactly one FFI(...) call")
    return {kw.arg: ast.literal_eval(kw.value) for kw in calls[0].keywords if kw.arg and kw.arg != "_includes"}


def build(tables: dict[str, dict]) -> tuple[object, object]:
    """cairocffi's `ffi` and `ffi_pixbuf`, made from kept tables."""
    import _cffi_backend

    ffi = _cffi_backend.FFI(_MODULES["ffi"], **tables["ffi"])
    pixbuf = _cffi_backend.FFI(_MODULES["ffi_pixbuf"], _includes=(ffi,), **tables["ffi_pixbuf"])
    # what cairocffi needs first; a table that lacks them raises here, and the real import runs instead
    ffi.typeof("cairo_t *"), ffi.typeof("cairo_surface_t *"), pixbuf.typeof("GdkPixbuf *")
    if ffi.sizeof("cairo_matrix_t") != 6 * ffi.sizeof("double"):
        raise ValueError("kept cairo tables disagree with cairo's matrix layout")
    return ffi, pixbuf


def _find_library(name: str) -> str | None:
    """ctypes' find_library, minus the search for Windows' names ("cairo-2", "libcairo-2") elsewhere.

    cairocffi asks for all three names before it dlopens; off Windows each of those two misses runs
    ldconfig and then gcc, about 30 ms of a cold build, to find nothing.
    """
    if sys.platform != "win32" and name.endswith("-2"):
        return None
    from ctypes.util import find_library

    return find_library(name)


class _FromTables:  # the loader protocol (importlib.abc is not imported: it pulls in importlib.resources)
    """Makes `cairocffi.ffi` from kept tables instead of running its cdefs."""

    def __init__(self, tables: dict[str, dict], real: Any) -> None:
        self.tables, self.real = tables, real

    def create_module(self, spec: Any) -> Any:
        return None

    def exec_module(self, module: ModuleType) -> None:
        package = sys.modules.get("cairocffi")
        if package is not None and callable(getattr(package, "find_library", None)):
            package.find_library = _find_library  # type: ignore[attr-defined]
        try:
            module.ffi, module.ffi_pixbuf = build(self.tables)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - tables this cffi refuses: cairocffi's own way still works
            self.real.exec_module(module)


class _AndKeep:  # the loader protocol
    """Runs cairocffi's own `ffi.py`, then keeps its tables for the next process."""

    def __init__(self, real: Any, path: Path) -> None:
        self.real, self.path = real, path

    def create_module(self, spec: Any) -> Any:
        return self.real.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.real.exec_module(module)
        try:
            tables = emit_tables(module)
        except Exception:  # noqa: BLE001 - a cache we cannot make costs speed, never the import
            return
        save_tables(self.path, tables)


class _Finder:  # the meta path finder protocol
    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != TARGET:
            return None
        try:
            real = importlib.machinery.PathFinder.find_spec(fullname, path)
            if real is None or not real.origin or real.loader is None:
                return None
            if importlib.util.find_spec("xcffib") is not None:  # cairocffi then includes xcffib's ffi
                return None
            where = cache_path(real.origin)
        except (OSError, ImportError, ValueError):
            return None
        if where is None:
            return None
        tables = load_tables(where)
        loader: Any = _FromTables(tables, real.loader) if tables is not None else _AndKeep(real.loader, where)
        return importlib.util.spec_from_loader(fullname, loader, origin=real.origin)


_FINDER = _Finder()


def install() -> None:
    """Put the finder first on sys.meta_path (once), unless cairocffi is already imported or PLACARD_CAIROCFFI_CDEF=1."""
    if TARGET in sys.modules or _FINDER in sys.meta_path or os.environ.get("PLACARD_CAIROCFFI_CDEF") == "1":
        return
    sys.meta_path.insert(0, _FINDER)
