"""Which diffusion model a spec may name (issue 16): a spec is untrusted input.

A spec's `model:` is either a Hugging Face id already in the local cache, or a folder inside the
spec's folder, an --allow-dir folder or the configured models folder (PLACARD_MODELS_DIR).
`~`, absolute paths and `..` escapes are refused with "not allowed" and nothing else, so a spec
cannot learn whether a path exists. Models named on the command line or in the environment are
the operator's and are not checked here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from composer.core.errors import AssetError, Location, SpecError

__all__ = ["spec_model"]

_HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")


def spec_model(value: str, base_dir: Path, allowed_dirs: Sequence[Path], location: Location | None = None) -> str:
    """The model a spec names, as a hub id or a resolved folder inside the allowed folders."""
    field = "background.model"
    text = str(value).strip()
    roots = [Path(base_dir).resolve(), *(Path(d).resolve() for d in allowed_dirs)]
    local = [r / text for r in roots]
    if _HUB_ID.match(text) and ".." not in text and not any(os.path.lexists(p) for p in local):
        return text  # a hub id: the generator loads it from the local cache only (no download for specs)
    not_allowed = SpecError(
        f"model {text[:120]!r} is not allowed; a spec may name a model id from the local Hugging Face cache, "
        "or a folder inside the spec's folder, an --allow-dir folder or PLACARD_MODELS_DIR",
        location=location, path=field,
    )
    if not text or text.startswith(("~", "/", "\\")) or os.path.isabs(text) or re.match(r"^[A-Za-z]:", text) \
            or "\x00" in text:
        raise not_allowed
    rel = os.path.normpath(text.replace("\\", "/"))
    if rel == ".." or rel.startswith("../"):
        raise not_allowed
    for root in roots:
        candidate = root / rel
        if not os.path.lexists(candidate):
            continue
        try:
            target = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            raise not_allowed from None
        if not any(target == r or target.is_relative_to(r) for r in roots):
            raise not_allowed  # a symlink out of the folders: say no more than for an absolute path
        return str(target)
    raise AssetError(f"model folder {text[:120]!r} was not found in the spec's folder or the allowed folders",
                     location=location, path=field)
