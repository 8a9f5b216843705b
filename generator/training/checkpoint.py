"""Training checkpoints: LoRA weights, optimizer, scheduler, scaler, RNG states and the step.

A checkpoint holds everything the next step depends on, so a resumed run is bit-for-bit the
same as an uninterrupted one. It is read back with `torch.load(weights_only=True)`: tensors,
numbers and plain containers only, never pickled code.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import GeneratorError, InputError

if TYPE_CHECKING:
    import torch

FORMAT = 1


def checkpoint_path(out: Path) -> Path:
    """Where the checkpoint of a run writing `out` lives: beside it, `<stem>.checkpoint.pt`."""
    return out.with_name(out.stem + ".checkpoint.pt")


def write_atomic(path: Path, write) -> None:
    """Call write(tmp_path) on a temporary file beside `path`, then move it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def rng_state(generator: torch.Generator) -> dict[str, Any]:
    """The training generator's state plus torch's global CPU (and CUDA) states."""
    import torch

    state: dict[str, Any] = {"train": generator.get_state(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(generator: torch.Generator, state: dict[str, Any]) -> None:
    """Restore what rng_state saved."""
    import torch

    generator.set_state(state["train"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def lora_parameters(unet: Any) -> dict[str, torch.nn.Parameter]:
    """The trainable (LoRA) parameters by name."""

    return {n: p for n, p in unet.named_parameters() if p.requires_grad}


def save(path: Path, *, step: int, unet: Any, optimizer: Any, scheduler: Any, scaler: Any,
         generator: torch.Generator, run: dict[str, Any], losses: list[float]) -> None:
    """Write the checkpoint for `step` atomically."""
    import torch

    state = {
        "format": FORMAT,
        "step": step,
        "run": run,
        "lora": {n: p.detach().cpu().clone() for n, p in lora_parameters(unet).items()},
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "scaler": scaler.state_dict() if scaler is not None else None,
        "rng": rng_state(generator),
        "losses": list(losses),
    }
    write_atomic(path, lambda tmp: torch.save(state, tmp))


def load(path: Path, run: dict[str, Any]) -> dict[str, Any]:
    """Read a checkpoint and check it belongs to the same run (images, model, rank, lr, ...)."""
    if not path.is_file():
        raise InputError(f"--resume: no checkpoint at {path}; start without --resume")
    import torch

    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # a truncated file or an unpickling refusal: one readable message
        raise InputError(
            f"--resume: cannot read the checkpoint {path} ({type(exc).__name__}); delete it and start again"
        ) from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise InputError(f"--resume: {path} is not a Placard training checkpoint")
    saved = state.get("run", {})
    changed = sorted(k for k in run if saved.get(k) != run[k])
    if changed:
        detail = ", ".join(f"{k}: {saved.get(k)!r} then, {run[k]!r} now" for k in changed[:3])
        raise GeneratorError(
            f"--resume: the checkpoint {path.name} was made with other settings ({detail}); "
            "resume with the same images, model and options, or start without --resume"
        )
    return state


def restore(state: dict[str, Any], *, unet: Any, optimizer: Any, scheduler: Any, scaler: Any,
            generator: torch.Generator) -> None:
    """Put a loaded checkpoint's weights, optimizer, scheduler, scaler and RNG states back."""
    import torch

    params = lora_parameters(unet)
    if set(params) != set(state["lora"]):
        raise GeneratorError("--resume: the checkpoint's LoRA layers do not match this model")
    with torch.no_grad():
        for name, p in params.items():
            p.copy_(state["lora"][name].to(p.device, p.dtype))
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    if scaler is not None and state.get("scaler"):
        scaler.load_state_dict(state["scaler"])
    set_rng_state(generator, state["rng"])
