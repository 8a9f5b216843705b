"""Training a brand-style LoRA from a folder of images (`placard train-lora`) and reading its provenance.

Importing this package is cheap: torch, diffusers and peft load when training starts.
"""

from generator.training.meta import format_info, lora_info
from generator.training.options import TrainConfig

__all__ = ["TrainConfig", "TrainResult", "format_info", "lora_info", "train_lora"]


def __getattr__(name: str):
    if name in ("train_lora", "TrainResult"):
        from generator.training import train

        return getattr(train, name)
    raise AttributeError(name)
