"""Compiled code of the methods that dataclasses and namedtuples generate, kept between CLI processes.

`@dataclass` writes the source of each class' `__init__`, `__repr__`, `__eq__` (and more) as text
and hands it to `exec`, which compiles it; `collections.namedtuple` does the same with `eval` for
its `__new__`. A cold `placard build` creates about 95 dataclasses while it imports Placard and its
libraries: about 420 compiles, 45-50 ms of a 0.6 s process (measured by timing
dataclasses._create_fn). Python keeps compiled modules in `__pycache__`, but not code that is
compiled from a string at run time, and the text is the same in every process. Hence this module,
which does for that code what `__pycache__` does for modules (and composer/core/recache.py for
regular expressions):

- `install()` (called by the CLI only, composer/__main__.py) gives the `dataclasses` and
  `collections` modules their own `exec` and `eval`, a module global that the builtin's name
  resolves to first. A string whose code the last process kept runs from that code object; any
  other string is compiled the way the builtin compiles it (`compile(text, "<string>", mode,
  dont_inherit=True)`: neither module uses a `__future__` import) and kept. What is not a string
  goes to the builtin as it is.
- `save()` (at the end of a CLI command) writes the table to the user cache when it grew: one
  marshal file behind a BLAKE2 digest, keyed by the interpreter's version and its bytecode magic
  number, trusted like `__pycache__` (SECURITY.md). A damaged or foreign file is ignored.

The code objects are the ones compiling the same text gives (tests/core/test_codecache.py
compares them), so the classes are the same. PLACARD_CODE_CACHE=0 turns it off.
"""

from __future__ import annotations

import builtins
import marshal
import os
import sys
import types
from importlib._bootstrap_external import MAGIC_NUMBER  # what importlib.util re-exports, without its imports
from pathlib import Path
from typing import Any

MAX_ENTRIES = 4000  # a long-running command that makes dataclasses from data keeps a bounded table
_VERSION = f"{sys.version}|{MAGIC_NUMBER.hex()}|{marshal.version}"
# the modules whose code generation goes through the table, and the builtin each calls
PATCHED = (("dataclasses", "exec"), ("collections", "eval"))

_table: dict[tuple[str, str], types.CodeType] = {}  # (mode, source text) -> its code
_grew = False
_installed = False


def _code(source: str, mode: str) -> types.CodeType:
    global _grew
    key = (mode, source)
    code = _table.get(key)
    if code is None:
        code = compile(source, "<string>", mode, dont_inherit=True)
        if len(_table) < MAX_ENTRIES:
            _table[key] = code
            _grew = True
    return code


def _exec(source: Any, globals: dict | None = None, locals: Any = None, /) -> None:  # noqa: A002 - the builtin's names
    """`exec`, with the code of a source string from the table."""
    return builtins.exec(_code(source, "exec") if type(source) is str else source, globals, locals)


def _eval(source: Any, globals: dict | None = None, locals: Any = None, /) -> Any:  # noqa: A002
    """`eval`, with the code of a source string from the table."""
    return builtins.eval(_code(source, "eval") if type(source) is str else source, globals, locals)


_STAND_INS = {"exec": _exec, "eval": _eval}


def install() -> None:
    """Route the PATCHED modules' generated code through the kept table (once per process; CPython 3.11-3.13)."""
    global _installed
    if _installed or os.environ.get("PLACARD_CODE_CACHE") == "0":
        return
    if sys.implementation.name != "cpython" or not (3, 11) <= sys.version_info[:2] <= (3, 13):
        return
    import importlib

    _table.update(_load())
    for module, name in PATCHED:
        setattr(importlib.import_module(module), name, _STAND_INS[name])
    _installed = True


def uninstall() -> None:
    """The builtins again (tests)."""
    global _installed
    for module, name in PATCHED:
        if sys.modules[module].__dict__.get(name) is _STAND_INS[name]:
            delattr(sys.modules[module], name)
    _installed = False


def _path() -> Path | None:
    import hashlib

    from composer.core.paths import user_cache

    return user_cache(f"code-{hashlib.blake2b(_VERSION.encode(), digest_size=8).hexdigest()}.bin")


def _load() -> dict:
    path = _path()
    if path is None:
        return {}
    from composer.core.paths import read_digested

    blob = read_digested(path)
    try:
        data = marshal.loads(blob) if blob is not None else None
    except (ValueError, EOFError, TypeError):
        return {}
    if not isinstance(data, dict) or data.get("version") != _VERSION or not isinstance(data.get("table"), dict):
        return {}
    return {key: code for key, code in data["table"].items()
            if isinstance(key, tuple) and len(key) == 2 and key[0] in _STAND_INS and type(key[1]) is str
            and isinstance(code, types.CodeType)}


def save() -> None:
    """Write the table to the user cache if this process compiled code it did not have."""
    global _grew
    if not _grew:
        return
    _grew = False
    path = _path()
    if path is None:
        return
    from composer.core.paths import write_digested

    write_digested(path, marshal.dumps({"version": _VERSION, "table": dict(_table)}))
