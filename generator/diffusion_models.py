"""Finding diffusion models on disk and naming them: local folders, the Hugging Face cache, LoRAs.

Nothing here imports torch: the cache computes a model's identity from files alone, so a cached
rebuild never pays for loading torch or diffusers.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.errors import GeneratorError

MODEL_ENV = "PLACARD_MODEL"
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".ckpt", ".pt", ".pth", ".gguf", ".json", ".txt", ".model")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
SUPPORTED = "Stable Diffusion 1.x/2.x, SD-Turbo, SDXL, SDXL-Turbo, SD3, FLUX"


@dataclass(frozen=True)
class ModelRef:
    """A diffusion model as found on disk: the folder to load and how the user named it."""

    name: str  # as the user gave it
    folder: Path  # the diffusers folder (for a hub id, its snapshot in the local cache)
    repo_id: str | None = None
    revision: str | None = None  # for hub models: the snapshot's commit hash
    class_name: str = ""  # model_index.json "_class_name"


def model_name(options: dict[str, Any]) -> str:
    """The model the request asks for: options["model"], else $PLACARD_MODEL."""
    name = options.get("model") or os.environ.get(MODEL_ENV)
    if not name:
        raise GeneratorError(
            "no diffusion model given: set background.model in the spec, pass --model, "
            f"or set the {MODEL_ENV} environment variable to a diffusers folder or a model id"
        )
    return str(name)


def is_hub_id(name: str) -> bool:
    """Whether `name` reads as a Hugging Face model id ("org/name") rather than a local path."""
    if name.startswith((".", "/", "~")) or os.path.isabs(name) or os.path.exists(name):
        return False
    return bool(_HUB_ID.match(name))


def hub_cache_dir() -> str:
    """The Hugging Face hub cache folder in use (honours HF_HOME / HF_HUB_CACHE)."""
    from huggingface_hub import constants

    return str(constants.HF_HUB_CACHE)


def resolve_model(name: str, *, allow_download: bool = False, revision: str | None = None) -> ModelRef:
    """Find the diffusers folder for `name`, or raise one GeneratorError that says how to get it."""
    if not is_hub_id(name):
        folder = Path(name).expanduser().resolve()
        if not folder.exists():
            raise GeneratorError(
                f"diffusion model not found: looked for a diffusers folder at {folder}; "
                f"fetch one with `hf download MODEL_ID --local-dir {folder}` "
                "(older huggingface_hub: `huggingface-cli download`), or point model at a folder "
                "that holds model_index.json"
            )
        return ModelRef(name, folder, class_name=check_folder(folder))
    folder = _hub_snapshot(name, revision, allow_download)
    return ModelRef(name, folder, repo_id=name, revision=folder.name, class_name=check_folder(folder))


def _hub_snapshot(repo_id: str, revision: str | None, allow_download: bool) -> Path:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(repo_id, revision=revision, local_files_only=True))
    except (LocalEntryNotFoundError, FileNotFoundError, OSError, ValueError):
        if not allow_download:
            raise GeneratorError(
                f"diffusion model {repo_id!r} is not in the local Hugging Face cache "
                f"(looked in {hub_cache_dir()}); fetch it with `hf download {repo_id}` "
                f"(older huggingface_hub: `huggingface-cli download {repo_id}`), "
                "or build with --allow-download"
            ) from None
    try:
        from diffusers import DiffusionPipeline

        return Path(DiffusionPipeline.download(repo_id, revision=revision))
    except Exception as exc:  # network, auth, missing repo: all end as one readable message
        raise GeneratorError(f"could not download diffusion model {repo_id!r}: {_first_line(exc)}") from exc


def check_folder(folder: Path) -> str:
    """Check that `folder` is a readable diffusers text-to-image pipeline; return its class name."""
    if folder.is_file():
        raise GeneratorError(
            f"{folder} is a single file, not a diffusers model folder; Placard loads folders saved "
            "with save_pretrained or fetched with `hf download` (they hold model_index.json)"
        )
    try:
        entries = set(os.listdir(folder))
    except OSError as exc:
        raise GeneratorError(f"cannot read diffusion model folder {folder}: {exc.strerror or exc}") from None
    if "model_index.json" not in entries:
        hint = " (it holds a single component: config.json)" if "config.json" in entries else ""
        raise GeneratorError(
            f"{folder} is not a diffusers pipeline folder: no model_index.json{hint}; "
            f"expected a text-to-image pipeline ({SUPPORTED})"
        )
    index_file = folder / "model_index.json"
    try:
        index = json.loads(index_file.read_text(encoding="utf-8"))
        class_name = str(index["_class_name"])
    except OSError as exc:
        raise GeneratorError(f"cannot read {index_file}: {exc.strerror or exc}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise GeneratorError(
            f"cannot read diffusion model folder {folder}: model_index.json is not a valid "
            f"diffusers index ({_first_line(exc)})"
        ) from None
    if not is_image_pipeline(class_name):
        raise GeneratorError(
            f"{folder} holds a {class_name}, which is not a text-to-image pipeline; "
            f"Placard needs one that AutoPipelineForText2Image loads ({SUPPORTED})"
        )
    return class_name


_COMMON_PIPELINES = frozenset(
    f"{family}{task}Pipeline"
    for family in ("StableDiffusion", "StableDiffusionXL", "StableDiffusion3", "Flux")
    for task in ("", "Img2Img", "Inpaint")
)


@lru_cache(maxsize=None)
def _known_pipelines() -> frozenset[str]:
    """Names of every pipeline class the AutoPipelines map (text2img, img2img, inpaint)."""
    from diffusers.pipelines import auto_pipeline as ap

    names: set[str] = set()
    for mapping in (
        ap.AUTO_TEXT2IMAGE_PIPELINES_MAPPING,
        ap.AUTO_IMAGE2IMAGE_PIPELINES_MAPPING,
        ap.AUTO_INPAINT_PIPELINES_MAPPING,
    ):
        names.update(cls.__name__ for cls in mapping.values())
    return frozenset(names)


def is_image_pipeline(class_name: str) -> bool:
    """Whether diffusers' AutoPipelines know `class_name` (checked without importing torch if we can)."""
    return class_name in _COMMON_PIPELINES or class_name in _known_pipelines()


def unet_in_channels(folder: Path) -> int | None:
    """The UNet's input channels from its config (9 means an inpainting model), if it has one."""
    try:
        return int(json.loads((folder / "unet" / "config.json").read_text())["in_channels"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


@lru_cache(maxsize=256)
def _folder_fingerprint(folder: str, stamp: tuple) -> str:
    return hashlib.sha256(json.dumps(stamp).encode()).hexdigest()


def model_fingerprint(ref: ModelRef) -> str:
    """A content fingerprint: model_index.json bytes plus every weight/config file's size and mtime."""
    root = ref.folder
    stamp: list[Any] = [hashlib.sha256((root / "model_index.json").read_bytes()).hexdigest()]
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fn in sorted(filenames):
            if fn.endswith(WEIGHT_SUFFIXES):
                st = os.stat(os.path.join(dirpath, fn))
                stamp.append([os.path.relpath(os.path.join(dirpath, fn), root), st.st_size, st.st_mtime_ns])
    return _folder_fingerprint(str(root), tuple(map(str, stamp)))


@dataclass(frozen=True)
class LoraRef:
    """A LoRA adapter file and the scale it is applied at."""

    path: Path  # the .safetensors (or .bin) file
    scale: float

    @property
    def adapter_name(self) -> str:
        return "placard_" + hashlib.sha1(str(self.path).encode()).hexdigest()[:12]


def parse_loras(value: Any) -> tuple[LoraRef, ...]:
    """Validate the `lora` option: a list of {path, scale}; a folder means its one weight file."""
    if not value:
        return ()
    if not isinstance(value, (list, tuple)):
        raise GeneratorError(f"lora must be a list of {{path, scale}}, got {value!r}")
    out = []
    for i, item in enumerate(value):
        item = {"path": item} if isinstance(item, (str, Path)) else item
        if not isinstance(item, dict) or "path" not in item:
            raise GeneratorError(f"lora[{i}] must be {{path: ..., scale: 0.8}}, got {item!r}")
        path = Path(str(item["path"])).expanduser().resolve()
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix == ".safetensors")
            if len(files) != 1:
                raise GeneratorError(
                    f"lora[{i}]: {path} must hold exactly one .safetensors file, found {len(files)}"
                )
            path = files[0]
        if not path.is_file():
            raise GeneratorError(f"lora[{i}]: LoRA file not found: {path}")
        if path.suffix != ".safetensors":  # specs come from untrusted authors; pickles can run code
            raise GeneratorError(f"lora[{i}]: {path.name} is not a .safetensors file; convert the adapter to safetensors")
        try:
            scale = float(item.get("scale", 1.0))
        except (TypeError, ValueError):
            raise GeneratorError(f"lora[{i}].scale must be a number, got {item.get('scale')!r}") from None
        out.append(LoraRef(path, scale))
    return tuple(out)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, memoised on (path, size, mtime)."""
    st = path.stat()
    return _file_sha256(str(path), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=256)
def _file_sha256(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
