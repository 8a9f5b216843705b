"""Training images: scan a folder, check each file, pair it with its caption, centre-crop it.

Preparation is centre-cropping, not aspect-ratio bucketing. A brand style (colour world,
texture, lighting, line quality) survives a square crop, every batch then has one shape so
batching and seeded resume stay simple, and it is what diffusers' text-to-image LoRA example
does with --center_crop. Bucketing pays off for subjects whose framing matters (people, products
cut off at the edges), at the cost of per-bucket batching; it can be added behind a flag later.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from generator.errors import InputError

FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "WEBP": "WebP"}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
OTHER_IMAGE_SUFFIXES = (".gif", ".bmp", ".tif", ".tiff", ".heic", ".avif")
# generator/ cannot import Placard: these caps live here, not in composer/core/limits.py (SECURITY.md lists them).
# MAX_PIXELS must equal composer.core.limits.MAX_IMAGE_PIXELS.
MAX_IMAGES = 5000  # every image's latents are kept in memory for the whole run
MAX_PIXELS = 100_000_000  # the same cap as the composer's rasters: refuse decompression bombs
FEW_IMAGES = 5  # below this a style rarely generalises; warn, do not refuse
MAX_CAPTION = 1000


@dataclass(frozen=True)
class TrainImage:
    """One checked training image: its file, content hash, caption and original size."""

    path: Path
    sha256: str
    caption: str
    size: tuple[int, int]  # (width, height) before cropping


@dataclass(frozen=True)
class ImageSet:
    """The images a run trains on, plus what the scan noticed (duplicates, ignored files)."""

    folder: Path
    images: tuple[TrainImage, ...]
    warnings: tuple[str, ...]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _check_image(path: Path, min_side: int) -> tuple[int, int]:
    """Open `path` fully; return its size or raise one InputError naming the file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                fmt = im.format
                size = im.size
                if size[0] * size[1] > MAX_PIXELS:
                    raise InputError(f"{path}: {size[0]}x{size[1]} pixels is over the limit of {MAX_PIXELS:,}")
                im.load()
    except InputError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise InputError(f"{path}: the image is larger than the limit of {MAX_PIXELS:,} pixels") from None
    except (OSError, ValueError, SyntaxError):
        raise InputError(
            f"{path}: cannot read this image: it is corrupt or not an image (allowed: PNG, JPEG, WebP)"
        ) from None
    if fmt not in FORMATS:
        raise InputError(f"{path}: {fmt} images are not supported; allowed: PNG, JPEG, WebP")
    if min(size) < min_side:
        raise InputError(
            f"{path}: {size[0]}x{size[1]} is under the minimum size; the shorter side must be at least "
            f"--resolution ({min_side} px): upscaled images teach blur"
        )
    return size


def _caption(path: Path, default: str | None) -> str:
    txt = path.with_suffix(".txt")
    if txt.is_file():
        try:
            text = txt.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{txt}: cannot read the caption ({exc})") from None
        if not text:
            raise InputError(f"{txt}: the caption file is empty")
    elif default is not None:
        text = default.strip()
    else:
        raise InputError(
            f"{path}: no caption; write one in {txt.name} beside it, or pass --caption for every image"
        )
    if len(text) > MAX_CAPTION:
        raise InputError(f"{txt if txt.is_file() else '--caption'}: a caption is at most {MAX_CAPTION} characters")
    return text


def scan_images(folder: str | Path, *, min_side: int, caption: str | None = None) -> ImageSet:
    """Check every image in `folder` (not its subfolders) and pair it with its caption."""
    root = Path(folder).expanduser()
    if not root.is_dir():
        raise InputError(f"{root}: not a folder of training images")
    if caption is not None and not caption.strip():
        raise InputError("--caption is empty; give the words that describe every image")
    files = sorted(p for p in root.iterdir() if not p.name.startswith(".") and p.is_file())
    images = [p for p in files if p.suffix.lower() in IMAGE_SUFFIXES]
    others = [p for p in files if p.suffix.lower() in OTHER_IMAGE_SUFFIXES]
    if others:
        raise InputError(f"{others[0]}: {others[0].suffix} images are not supported; allowed: PNG, JPEG, WebP")
    if not images:
        raise InputError(f"{root}: no training images (PNG, JPEG or WebP) in this folder")
    if len(images) > MAX_IMAGES:
        raise InputError(f"{root}: {len(images)} images; at most {MAX_IMAGES:,} are trained on in one run")
    notes: list[str] = []
    seen: dict[str, Path] = {}
    out: list[TrainImage] = []
    for path in images:
        size = _check_image(path, min_side)
        digest = _sha256(path)
        if digest in seen:
            notes.append(f"{path}: duplicate of {seen[digest].name} (same bytes); trained on once")
            continue
        seen[digest] = path
        out.append(TrainImage(path, digest, _caption(path, caption), size))
    if len(out) < FEW_IMAGES:
        notes.append(f"{root}: only {len(out)} distinct image(s); 10 to 50 give a steadier style")
    ignored = [p.name for p in files if p.suffix.lower() not in IMAGE_SUFFIXES + (".txt",)]
    if ignored:
        notes.append(f"{root}: ignored {len(ignored)} file(s) that are not images: {', '.join(ignored[:5])}")
    return ImageSet(root, tuple(out), tuple(notes))


@dataclass(frozen=True)
class Prepared:
    """An image cropped to the training square, with SDXL's size conditioning."""

    image: Image.Image
    original_size: tuple[int, int]  # (height, width), as SDXL's add_time_ids want it
    crop_top_left: tuple[int, int]  # (top, left) in the resized image


def prepare(item: TrainImage, resolution: int) -> Prepared:
    """Resize the short side to `resolution`, then cut the centre square."""
    with Image.open(item.path) as src:
        im = ImageOps.exif_transpose(src).convert("RGB")
    w, h = im.size
    scale = resolution / min(w, h)
    rw, rh = max(resolution, round(w * scale)), max(resolution, round(h * scale))
    im = im.resize((rw, rh), Image.Resampling.LANCZOS)
    left, top = (rw - resolution) // 2, (rh - resolution) // 2
    return Prepared(im.crop((left, top, left + resolution, top + resolution)), (h, w), (top, left))
