"""Spec's pydantic core schema kept between processes, so a cold import does not generate it again.

Building `Spec`'s validator is two steps: pydantic's GenerateSchema walks every model and
annotation in Python to make the core schema (a plain dict, about 40 ms of every cold build), and
pydantic-core turns that dict into the validator in Rust (under 1 ms). No library keeps the first
step's result, hence this module: `complete(Spec)` (the last line of composer/spec/model.py)

- looks for a kept schema under a key made of the Python, pydantic, pydantic-core and
  annotated-types versions and the size and mtime of every file in composer/spec and composer/core
  (as `__pycache__` checks a module's source), all the code the models import;
- on a hit, completes the model through pydantic's own `model_rebuild`, with schema generation
  answered by the kept dict, so everything else pydantic sets on a model is set as usual;
- on a miss, or with anything unexpected, builds it the usual way and keeps the result.

The schema is stored with pickle (it refers to Placard's validator functions and model classes by
name) behind a BLAKE2 digest, in the user cache, which Placard trusts like `__pycache__`
(SECURITY.md). The unpickler still accepts only names from composer.spec, functools.partial and
the builtins dict, list and getattr (no dunder attributes but pydantic's JSON Schema hook), so a
foreign file can do no more than fail. PLACARD_SCHEMA_CACHE=0 turns it off.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
import warnings
from pathlib import Path
from typing import Any

# pydantic versions whose model_rebuild -> complete_model_class -> GenerateSchema path this was
# checked against; others build the usual way
_CHECKED = ("2.11.", "2.12.", "2.13.", "2.14.")

served = ""  # how the last complete() went: "kept" (from the cache), "built" (and kept) or "off"


def complete(cls: Any) -> None:
    """Complete the (defer_build) model `cls`: from a kept core schema when one matches, else as pydantic does."""
    global served
    path = _path() if _usable() else None
    if path is not None:
        kept = _load(path)
        if kept is not None and _complete_from(cls, kept):
            served = "kept"
            return
    cls.model_rebuild(force=bool(cls.__pydantic_complete__), _parent_namespace_depth=0)
    served = "off"
    if path is not None:
        _save(path, cls.__pydantic_core_schema__)
        served = "built"


def _usable() -> bool:
    import pydantic

    return os.environ.get("PLACARD_SCHEMA_CACHE") != "0" and pydantic.VERSION.startswith(_CHECKED)


def _path() -> Path | None:
    """Where the schema for this code and these library versions is kept (None without a cache folder).

    The key covers every source file the spec's models can import: composer/spec and composer/core
    (tests/spec/test_schemacache.py checks that importing the models loads nothing else of Placard's).
    """
    import annotated_types
    import pydantic
    import pydantic_core

    from composer.core.paths import user_cache

    versions = f"{sys.version}|{pydantic.VERSION}|{pydantic_core.__version__}|{getattr(annotated_types, '__version__', '')}"
    digest = hashlib.blake2b(versions.encode(), digest_size=16)
    root = Path(__file__).resolve().parent.parent
    try:  # each file by size and mtime, as __pycache__ checks a module's source (reading them all cost ~2 ms)
        for file in (root / "__init__.py", *sorted((root / "core").glob("*.py")), *sorted((root / "spec").glob("*.py"))):
            st = file.stat()
            digest.update(f"{file.relative_to(root)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    except OSError:
        return None
    return user_cache(f"spec-schema-{digest.hexdigest()}.pickle")


class _Unpickler(pickle.Unpickler):
    """Names from composer.spec and a handful of builtins only."""

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("composer.spec.") and not any(part.startswith("__") for part in name.split(".")):
            value = super().find_class(module, name)
            if getattr(value, "__module__", None) == module:  # defined there, not imported into it
                return value
        elif (module, name) in (("builtins", "dict"), ("builtins", "list"), ("functools", "partial")):
            return super().find_class(module, name)
        elif (module, name) == ("builtins", "getattr"):
            return _getattr
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a kept spec schema")


_HOOKS = ("__get_pydantic_json_schema__",)  # bound to Placard's own objects (composer.spec.model.Deferred)


def _getattr(obj: Any, name: str) -> Any:
    if not isinstance(name, str) or (name.startswith("__") and name not in _HOOKS):
        raise pickle.UnpicklingError(f"attribute {name!r} is not allowed in a kept spec schema")
    return getattr(obj, name)


def _load(path: Path) -> dict | None:
    from composer.core.paths import read_digested

    blob = read_digested(path)
    schema = _unpickle(blob) if blob is not None else None
    return schema if isinstance(schema, dict) and schema.get("type") in ("model", "definitions") else None


def _unpickle(blob: bytes) -> object | None:
    try:
        return _Unpickler(io.BytesIO(blob)).load()
    except Exception:  # noqa: BLE001 - damaged or foreign: build the usual way
        return None


def _save(path: Path, schema: dict) -> None:
    from composer.core.paths import write_digested

    try:
        blob = pickle.dumps(schema, protocol=5)
    except Exception:  # noqa: BLE001 - a schema that will not pickle is built every time, as before
        return
    if _unpickle(blob) is not None:  # what the next process could not read back is not kept
        write_digested(path, blob, replaces="spec-schema-*.pickle")


def _complete_from(cls: Any, schema: dict) -> bool:
    """pydantic's model_rebuild of `cls`, its schema generation answered by `schema`; False if that did not take."""
    from pydantic._internal import _generate_schema, _model_construction

    real = _model_construction.GenerateSchema
    if real is not _generate_schema.GenerateSchema:
        return False

    with warnings.catch_warnings():  # pydantic warns that subclassing is unsupported: _CHECKED names the versions
        warnings.simplefilter("ignore")

        class Kept(real):  # type: ignore[misc,valid-type]
            __slots__ = ()

            def generate_schema(self, obj: Any) -> Any:
                return schema if obj is cls else super().generate_schema(obj)

            def clean_schema(self, value: Any) -> Any:
                return value if value is schema else super().clean_schema(value)

    _model_construction.GenerateSchema = Kept  # type: ignore[misc]
    try:
        cls.model_rebuild(_parent_namespace_depth=0)
    except Exception:  # noqa: BLE001 - the usual build follows
        return False
    finally:
        _model_construction.GenerateSchema = real  # type: ignore[misc]
    return bool(cls.__pydantic_complete__) and cls.__pydantic_core_schema__ is schema
