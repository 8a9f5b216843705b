"""Compiled regular expressions kept between CLI processes, as `__pycache__` keeps compiled modules.

A cold `placard build` compiles about 150 regular expressions while it imports its libraries
(PyYAML's reader alone compiles one Unicode class for 7 ms; Jinja's lexer, logging, email,
tinycss2 and Placard's own modules add the rest): about 35 ms of a 0.6 s process, spent again by
every process. Python compiles a pattern in two steps: `re._parser` and `re._compiler` turn the
text into a list of opcodes (the slow part, in Python), and `_sre.compile` makes the pattern
object from that list (fast, in C, and it validates the opcodes). No library keeps the first
step's result between processes, hence this module:

- `install()` (called by the CLI only, `composer/__main__.py`) wraps `re._compiler.compile`. A
  pattern it has seen before goes straight to `_sre.compile` with the kept opcodes.
- A new pattern is compiled the usual way. Its opcodes are kept only when a pattern made from
  them compares equal (`==` compares flags, pattern text and opcodes) to the one Python made.
- `save()` (at the end of a CLI command) writes the table to the user cache when it grew: one
  marshal file behind a BLAKE2 digest, keyed by the interpreter's version and `_sre`'s MAGIC and
  code size. A damaged, foreign or refused entry is compiled the usual way.

Only str and bytes patterns without re.DEBUG take this path; everything else goes to Python's
own compile untouched. PLACARD_RE_CACHE=0 turns it off.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
from pathlib import Path
from typing import Any

import _sre  # type: ignore[import-not-found]

try:
    from re import _compiler, _parser  # type: ignore[attr-defined]
except ImportError:  # not CPython 3.11+: no cache
    _compiler = _parser = None

MAX_ENTRIES = 2000  # the table stays small when a long-running process compiles patterns from data
_VERSION = f"{sys.version}|{getattr(_sre, 'MAGIC', '')}|{getattr(_sre, 'CODESIZE', '')}|{marshal.version}"

_table: dict[tuple[Any, int], tuple] = {}  # (pattern, flags) -> _sre.compile's arguments after the pattern
_grew = False
_real: Any = None


def _path() -> Path | None:
    from composer.core.paths import user_cache

    digest = hashlib.blake2b(_VERSION.encode(), digest_size=8).hexdigest()
    return user_cache(f"re-{digest}.bin")


def _arguments(p: str | bytes, flags: int) -> tuple:
    """`_sre.compile`'s arguments for `p`, as re._compiler.compile works them out (CPython 3.11-3.13)."""
    parsed = _parser.parse(p, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]  # opcodes are int subclasses; marshal writes ints
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    return int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup)


def _compile(p: Any, flags: int = 0) -> Any:
    """re._compiler.compile, from kept opcodes where it can."""
    global _grew
    if not isinstance(p, (str, bytes)) or flags & re.DEBUG:
        return _real(p, flags)
    key = (p, int(flags))  # RegexFlag is an int subclass, which marshal does not write
    args = _table.get(key)
    if args is not None:
        try:
            return _sre.compile(p, *args)
        except Exception:  # noqa: BLE001 - opcodes this _sre refuses: compile as usual, and forget them
            _table.pop(key, None)
    made = _real(p, flags)
    if len(_table) < MAX_ENTRIES:
        try:
            args = _arguments(p, flags)
            if _sre.compile(p, *args) == made:
                _table[key] = args
                _grew = True
        except Exception:  # noqa: BLE001 - a compile that works differently: this pattern is not kept
            pass
    return made


def install() -> None:
    """Serve re's compiles from the kept table (once per process; not on other interpreters or with PLACARD_RE_CACHE=0)."""
    global _real
    if _real is not None or _compiler is None or os.environ.get("PLACARD_RE_CACHE") == "0":
        return
    if sys.implementation.name != "cpython" or not (3, 11) <= sys.version_info[:2] <= (3, 13):
        return
    _table.update(_load())
    _real = _compiler.compile
    _compiler.compile = _compile


def _load() -> dict:
    from composer.core.paths import read_kept_table

    return read_kept_table(_path(), _VERSION)


def save() -> None:
    """Write the table to the user cache if this process compiled patterns it did not have."""
    global _grew
    if not _grew:
        return
    _grew = False
    path = _path()
    if path is not None:
        from composer.core.paths import write_kept_table

        write_kept_table(path, _VERSION, dict(_table))


def uninstall() -> None:
    """Put Python's own compile back (tests)."""
    global _real
    if _real is not None:
        _compiler.compile = _real
        _real = None
    _table.clear()
