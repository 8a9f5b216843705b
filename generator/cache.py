"""A content-addressed cache of generated rasters, so a text-only edit rebuilds in milliseconds.

The key hashes everything that decides the pixels: the backend's model identity (files, not
names), prompt, negative prompt, seed, size, steps, guidance, scheduler, LoRA files, text boxes
(the mask), init image and GENERATOR_VERSION. Each entry is `<key>.png` plus `<key>.json`; the
JSON holds the PNG's SHA-256, so a truncated or corrupt entry is noticed and regenerated.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from PIL import Image

from generator.base import GENERATOR_VERSION, Backend, GeneratedImage, GenerateRequest

CACHE_ENV = "PLACARD_CACHE_DIR"
# Options that change how an image is made or shown, never which pixels come out.
_NOT_IN_KEY = frozenset({"progress", "allow_download", "cpu_offload", "model", "lora", "inpaint_model"})

__all__ = ["CACHE_ENV", "cache_clear", "cache_info", "cache_key", "cache_root", "cached_generate", "disk_cache", "use_disk_cache"]

# Whether a backend may read and write its own disk tier (the procedural one) during this call:
# `--no-cache` and BuildOptions(use_cache=False) turn it off through `disk_cache(False)`.
_DISK: ContextVar[bool] = ContextVar("placard_disk_cache", default=True)


@contextmanager
def disk_cache(enabled: bool) -> Iterator[None]:
    """Within the block, `use_disk_cache()` answers `enabled`."""
    token = _DISK.set(enabled)
    try:
        yield
    finally:
        _DISK.reset(token)


def use_disk_cache() -> bool:
    return _DISK.get()


def cache_root(override: str | os.PathLike | None = None) -> Path:
    """The cache folder: `override`, else $PLACARD_CACHE_DIR, else the platform's user cache dir."""
    if override:
        return Path(override)
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("placard")) / "rasters"


def _canonical(value: Any) -> Any:
    """A JSON-ready, order-independent form of an option value; images become their pixel hash."""
    if isinstance(value, Image.Image):
        digest = hashlib.sha256(value.mode.encode() + repr(value.size).encode() + value.tobytes())
        return {"image_sha256": digest.hexdigest()}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, float):
        return round(value, 6)
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, os.PathLike):
        path = Path(value)
        return {"file_sha256": _file_digest(path)} if path.is_file() else str(path)
    return repr(value)


def _file_digest(path: Path) -> str:
    from generator.diffusion_models import file_sha256

    return file_sha256(path)


def cache_key(backend: Backend, request: GenerateRequest) -> str:
    """The SHA-256 content key of what `backend` would paint for `request`."""
    identity = getattr(backend, "cache_identity", None)
    options = request.options
    if isinstance(options.get("init_image"), (str, os.PathLike)):
        options = {**options, "init_image": Path(options["init_image"])}
    if isinstance(options.get("background"), (str, os.PathLike)):
        options = {**options, "background": Path(options["background"])}
    payload = {
        "version": GENERATOR_VERSION,
        "backend": backend.name,
        "identity": identity(request) if identity else None,
        "request": {
            "width": request.width,
            "height": request.height,
            "seed": request.seed,
            "prompt": request.prompt,
            "negative_prompt": request.negative_prompt,
            "style": request.style,
            "palette": list(request.palette),
            # Only what the generation used: without text_aware the boxes steer nothing, so a text edit is a hit.
            "text_boxes": [b.as_dict() for b in request.text_boxes] if request.text_aware else [],
            "text_aware": request.text_aware,
            "kind": request.kind,
        },
        "options": {k: v for k, v in options.items() if k not in _NOT_IN_KEY},
    }
    text = json.dumps(_canonical(payload), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _entry_paths(root: Path, key: str) -> tuple[Path, Path]:
    folder = root / key[:2]
    return folder / f"{key}.png", folder / f"{key}.json"


def _load(root: Path, key: str) -> GeneratedImage | None:
    """The cached entry for `key`, or None if absent or damaged (a damaged entry is removed)."""
    png, meta = _entry_paths(root, key)
    if not meta.exists():
        return None
    try:
        record = json.loads(meta.read_text(encoding="utf-8"))
        data = png.read_bytes()
        if record.get("key") != key or hashlib.sha256(data).hexdigest() != record.get("png_sha256"):
            raise ValueError("checksum mismatch")
        with Image.open(io.BytesIO(data)) as im:
            image = im.copy()
            image.load()
        metadata = dict(record.get("metadata", {}))
    except (OSError, ValueError, TypeError, AttributeError, SyntaxError):
        for p in (meta, png):
            p.unlink(missing_ok=True)
        return None
    metadata["cache"] = {"hit": True, "key": key}
    return GeneratedImage(image, metadata)


def _store(root: Path, key: str, result: GeneratedImage) -> None:
    png, meta = _entry_paths(root, key)
    buf = io.BytesIO()
    result.image.save(buf, format="PNG", compress_level=1)
    data = buf.getvalue()
    record = {"key": key, "png_sha256": hashlib.sha256(data).hexdigest(), "metadata": result.metadata}
    atomic_write(png, data)
    # The JSON is written last: it is the entry's commit record.
    atomic_write(meta, json.dumps(record, default=str, sort_keys=True).encode())


def cached_generate(
    backend: Backend,
    request: GenerateRequest,
    *,
    enabled: bool = True,
    cache_dir: str | os.PathLike | None = None,
) -> GeneratedImage:
    """`backend.generate(request)`, served from the content cache when an identical entry exists."""
    if not enabled:
        return backend.generate(request)
    root = cache_root(cache_dir)
    key = cache_key(backend, request)
    hit = _load(root, key)
    if hit is not None:
        if "rea" in hit.metadata:  # measured under this request's text boxes, which the key may not hold
            from generator.metrics import rea

            hit.metadata["rea"] = [round(rea(hit.image, b), 3) for b in request.text_boxes]
        return hit
    result = backend.generate(request)
    try:
        _store(root, key, result)
    except OSError:
        pass  # a read-only or full cache folder must not fail the build; the image is still good
    result.metadata.setdefault("cache", {"hit": False, "key": key})
    return result


def _entries(root: Path) -> list[Path]:
    """Every file of the cache: raster entries (png + json), the procedural tier's .npy files, and leftovers."""
    return sorted(p for p in root.glob("*/*") if p.suffix in (".png", ".json", ".npy") or p.name.startswith(".tmp-"))


def cache_info(cache_dir: str | os.PathLike | None = None) -> dict[str, Any]:
    """Where the cache is, how many entries it holds and their total size in bytes."""
    root = cache_root(cache_dir)
    files = _entries(root) if root.exists() else []
    return {
        "path": str(root),
        "entries": sum(1 for p in files if p.suffix in (".json", ".npy") and not p.name.startswith(".tmp-")),
        "bytes": sum(p.stat().st_size for p in files),
    }


def cache_clear(cache_dir: str | os.PathLike | None = None) -> int:
    """Delete every cache entry; return how many entries were removed."""
    root = cache_root(cache_dir)
    if not root.exists():
        return 0
    removed = 0
    for p in _entries(root):
        removed += p.suffix in (".json", ".npy") and not p.name.startswith(".tmp-")
        p.unlink(missing_ok=True)
    for folder in root.iterdir():
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return removed
