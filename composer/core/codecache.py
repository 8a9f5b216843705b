"""Code that Python compiles from text at import time, kept between CLI processes.

`@dataclass` writes the source of each class' `__init__`, `__repr__`, `__eq__` (and more) as text
and hands it to `exec`, which compiles it; `collections.namedtuple` does the same with `eval` for
its `__new__`, and `typing.ForwardRef` compiles every annotation written as a string (pydantic-core's
schema types and numpy's typing modules have hundreds). A cold `placard build` creates about 95
dataclasses while it imports Placard and its libraries: about 420 compiles, 45-50 ms of a 0.6 s
process (measured by timing dataclasses._create_fn), and typing compiles about 850 forward
references, another ~13 ms. Python keeps compiled modules in `__pycache__`, but not code that is
compiled from a string at run time, and the text is the same in every process. Hence this module,
which does for that code what `__pycache__` does for modules (and composer/core/recache.py for
regular expressions):

- `install()` (called by the CLI only, composer/__main__.py) gives the `dataclasses`,
  `collections` and `typing` modules their own `exec`, `eval` and `compile`, a module global that
  the builtin's name resolves to first (typing's serves only its forward references' "<string>"). A string whose code the last process kept runs from that code object; any
  other string is compiled the way the builtin compiles it (`compile(text, "<string>", mode,
  dont_inherit=True)`: none of the three uses a `__future__` import) and kept. What is not a string
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
PATCHED = (("dataclasses", "exec"), ("collections", "eval"), ("typing", "compile"))

# (mode, source text) -> its code, or the code as marshal bytes until it is first asked for (a cold
# process reads ~650 entries and needs most of them, but unmarshalling them one by one on demand
# keeps the load itself to a read and a digest)
_table: dict[tuple[str, str], types.CodeType | bytes] = {}
_grew = False
_installed = False


def _unmarshal(blob: bytes) -> types.CodeType | None:
    try:
        code = marshal.loads(blob)
    except (ValueError, EOFError, TypeError):
        return None
    return code if isinstance(code, types.CodeType) else None


def _code(source: str, mode: str) -> types.CodeType:
    global _grew
    key = (mode, source)
    kept = _table.get(key)
    code = kept if kept is None or isinstance(kept, types.CodeType) else _unmarshal(kept)
    if code is not kept:  # decoded now (or damaged: compiled below)
        if code is None:
            del _table[key]
        else:
            _table[key] = code
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


def _compile(source: Any, filename: str, mode: str, flags: int = 0, dont_inherit: bool = False, optimize: int = -1) -> Any:
    """`compile`, from the table for what typing compiles: a forward reference's text as "<string>"."""
    if type(source) is str and filename == "<string>" and mode == "eval" and not flags and optimize == -1:
        return _code(source, "eval")
    return builtins.compile(source, filename, mode, flags, dont_inherit, optimize)


_STAND_INS = {"exec": _exec, "eval": _eval, "compile": _compile}


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
    from composer.core.paths import read_kept_table

    return {key: code for key, code in read_kept_table(_path(), _VERSION).items()
            if isinstance(key, tuple) and len(key) == 2 and key[0] in ("exec", "eval") and type(key[1]) is str
            and type(code) is bytes}


def save() -> None:
    """Write the table to the user cache if this process compiled code it did not have."""
    global _grew
    if not _grew:
        return
    _grew = False
    path = _path()
    if path is not None:
        from composer.core.paths import write_kept_table

        table = {key: code if type(code) is bytes else marshal.dumps(code) for key, code in _table.items()}
        write_kept_table(path, _VERSION, table)
