"""What a training run is asked to do, checked before anything is loaded or written."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import InputError, RequestError


def _placard_version() -> str:
    """The installed Placard distribution's version (generator is part of it; composer is not imported)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("placard")
    except PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class TrainConfig:
    """One `train-lora` run; field names follow the CLI flags (--steps is `steps`, ...)."""

    images: str | Path
    model: str
    out: str | Path
    steps: int = 1000
    rank: int = 16
    lr: float = 1e-4
    resolution: int | None = None  # default: the model's native size (512, 768, 1024, ...)
    caption: str | None = None
    seed: int = 0
    resume: bool = False
    checkpoint_every: int = 250
    sample_prompt: str | None = None
    sample_every: int | None = None  # default: one sample at the end
    sample_steps: int = 25
    allow_download: bool = False
    device: str = "auto"
    dtype: str = "auto"
    batch_size: int = 1
    gradient_accumulation: int = 1
    gradient_checkpointing: bool = False
    warmup_steps: int | None = None  # default: a tenth of the steps, at most 100
    made_by: str = field(default_factory=lambda: _placard_version())  # the file's `placard.version`


# flag: (attribute, kind, lowest, highest, what it is). generator/ cannot import Placard, so these ranges
# stay here rather than in composer/core/limits.py.
_LIMITS = (
    ("--steps", "steps", int, 1, 1_000_000, "the number of optimizer steps"),
    ("--rank", "rank", int, 1, 256, "the LoRA rank"),
    ("--lr", "lr", float, 1e-8, 1.0, "the learning rate"),
    ("--resolution", "resolution", int, 64, 4096, "the training side in pixels"),
    ("--seed", "seed", int, 0, 2**32 - 1, "the seed"),
    ("--checkpoint-every", "checkpoint_every", int, 1, 1_000_000, "steps between checkpoints"),
    ("--sample-every", "sample_every", int, 1, 1_000_000, "steps between sample images"),
    ("--sample-steps", "sample_steps", int, 1, 200, "denoising steps per sample"),
    ("--batch-size", "batch_size", int, 1, 64, "images per micro-batch"),
    ("--gradient-accumulation", "gradient_accumulation", int, 1, 128, "micro-batches per step"),
    ("--warmup-steps", "warmup_steps", int, 0, 1_000_000, "learning-rate warmup steps"),
)


def check_options(config: TrainConfig) -> None:
    """Refuse an out-of-range option with one message naming the flag, the value and the range."""
    for flag, attr, kind, lo, hi, what in _LIMITS:
        value = getattr(config, attr)
        if value is None and attr in ("resolution", "sample_every", "warmup_steps"):
            continue
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if kind is int:
            ok = ok and float(value).is_integer()
        if not ok or not lo <= value <= hi:
            number, span = ("a whole number", f"{lo} to {hi}") if kind is int else ("a number", f"{lo:g} to {hi:g}")
            raise RequestError(f"invalid value for '{flag}': {value!r}; {what} is {number} from {span}")
    if config.sample_every is not None and not config.sample_prompt:
        raise RequestError("--sample-every needs --sample-prompt: the prompt the samples are made from")
    if config.sample_prompt is not None and not config.sample_prompt.strip():
        raise RequestError("invalid value for '--sample-prompt': it is empty")


def check_out(out: str | Path) -> Path:
    """The output file as an absolute path; InputError if it cannot be written there."""
    path = Path(out).expanduser().absolute()
    if path.suffix != ".safetensors":
        raise InputError(f"--out: {path.name} must end in .safetensors (diffusers' LoRA format)")
    if path.is_dir():
        raise InputError(f"--out: {path} is a folder; give the .safetensors file to write")
    existing = path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"--out: cannot write {path}: {existing} is not a writable folder")
    return path


def make_out_folder(path: Path) -> None:
    """Create the output's folder and prove a file can be written there (read-only disks, quotas)."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".placard-probe-"):
            pass
    except OSError as exc:
        raise InputError(f"--out: cannot write {path}: {exc.strerror or exc}") from None
