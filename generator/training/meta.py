"""Provenance in a LoRA file's safetensors metadata: what `train-lora` writes and `lora-info` reads.

Reading needs no torch: safetensors opens the header with its numpy backend, so `lora-info`
answers in milliseconds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.errors import InputError

PREFIX = "placard."
# The contract's keys, in the order lora-info prints them; JSON_KEYS hold JSON text.
KEYS = ("base_model", "images", "captions", "steps", "rank", "lr", "resolution", "seed", "version")
EXTRA_KEYS = ("base_model_name", "base_model_class", "alpha", "target_modules", "warmup_steps", "batch_size")
JSON_KEYS = frozenset({"images", "captions", "target_modules"})
NUMBER_KEYS = {"steps": int, "rank": int, "resolution": int, "seed": int, "lr": float, "alpha": int,
               "warmup_steps": int, "batch_size": int}


def build_metadata(values: dict[str, Any]) -> dict[str, str]:
    """Safetensors metadata (str to str) from provenance values; lists become JSON."""
    out = {"format": "pt"}  # diffusers and safetensors expect the framework tag
    for key in KEYS + EXTRA_KEYS:
        if key not in values:
            continue
        value = values[key]
        out[PREFIX + key] = json.dumps(value, ensure_ascii=False) if key in JSON_KEYS else str(value)
    return out


def read_metadata(path: str | Path) -> dict[str, str]:
    """The raw `__metadata__` of a safetensors file; InputError if it is missing or not safetensors."""
    from safetensors import SafetensorError, safe_open

    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such LoRA file")
    try:
        with safe_open(str(p), framework="numpy") as f:
            return dict(f.metadata() or {})
    except (SafetensorError, OSError, ValueError) as exc:
        raise InputError(f"{p}: not a safetensors file ({str(exc).splitlines()[0] if str(exc) else exc})") from None


def lora_info(path: str | Path) -> dict[str, Any]:
    """The Placard provenance of a LoRA file, with lists and numbers decoded."""
    raw = read_metadata(path)
    if not any(k.startswith(PREFIX) for k in raw):
        raise InputError(
            f"{path}: holds no Placard provenance (no placard.* metadata); it was not made by "
            "`placard train-lora`"
        )
    info: dict[str, Any] = {}
    for key in KEYS + EXTRA_KEYS + tuple(k[len(PREFIX):] for k in sorted(raw) if k.startswith(PREFIX)):
        text = raw.get(PREFIX + key)
        if text is None or key in info:
            continue
        try:
            info[key] = json.loads(text) if key in JSON_KEYS else NUMBER_KEYS.get(key, str)(text)
        except ValueError:
            info[key] = text  # shown as stored: lora-info reports, it does not judge
    return info


def format_info(info: dict[str, Any]) -> str:
    """lora-info's text form: one `key: value` line each, the images and captions listed below."""
    lines = []
    for key, value in info.items():
        if key == "images" and isinstance(value, list):
            lines.append(f"images: {len(value)}")
            lines.extend(f"  {i.get('sha256', '?')}  {i.get('file', '?')}" for i in value if isinstance(i, dict))
        elif key == "captions" and isinstance(value, list):
            lines.append("captions:")
            lines.extend(f"  {i.get('file', '?')}: {i.get('caption', '')}" for i in value if isinstance(i, dict))
        elif isinstance(value, (list, dict)):
            lines.append(f"{key}: {json.dumps(value)}")
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines)
