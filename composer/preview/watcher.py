"""Watch the folders a spec reads from, and coalesce bursts of changes into one build at a time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

from composer.core.errors import PlacardError

log = logging.getLogger("placard.preview")
STEP_MS = 10  # a save by rename is a burst of events under a millisecond apart; wait this long for the burst to end (a burst split in two costs one more build, never a wrong one: see Coalescer)
DEBOUNCE_MS = 400  # never hold changes longer than this while events keep coming


def watch_folders(loaded: Any, allow_dirs: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    """Folders whose files a build reads: the spec's, the brand file's, fonts, templates, a custom layout, assets."""
    from composer.rasters.assets import resolve_path

    base = loaded.base_dir
    raw = _raw_spec(loaded)
    found: list[Path] = [base]

    def add(value: Any, field: str) -> None:
        if not isinstance(value, str) or ":" in value.split("/")[0]:
            return  # URLs and inline values are not files
        try:
            p = resolve_path(value, base, allow_dirs, field=field)
        except (PlacardError, OSError):  # the build reports a bad path; the watcher only skips it
            return
        found.append(p if p.is_dir() else p.parent)

    add(raw.get("brand"), "brand")
    add(raw.get("data"), "data")  # a campaign's rows (after the campaigns merge)
    for i, d in enumerate(loaded.spec.fonts):
        add(d, f"fonts[{i}]")
    add(loaded.spec.templates, "templates")
    layout = loaded.spec.layout
    if isinstance(layout, str) and layout.endswith((".yaml", ".yml")):
        add(layout, "layout")
    for el in _walk(loaded.spec.elements):
        for key in ("src", "data", "image"):
            add(getattr(el, key, None), key)
    return minimal_folders(found)


def _raw_spec(loaded: Any) -> dict:
    """The spec file's own mapping, before brand and layout files were merged in."""
    from composer.spec.yamlload import load_yaml_file

    try:
        raw, _ = load_yaml_file(Path(loaded.file))
        return raw if isinstance(raw, dict) else {}
    except (PlacardError, OSError):  # the build has already read it; a failure here only skips a folder
        return {}


def _walk(elements: Iterable[Any]):
    for el in elements or ():
        yield el
        yield from _walk(getattr(el, "children", None) or getattr(el, "elements", None) or ())


def minimal_folders(folders: Iterable[Path]) -> tuple[Path, ...]:
    """Existing folders, without any that sit inside another (watches are recursive)."""
    out: list[Path] = []
    for f in sorted({Path(f).resolve() for f in folders if Path(f).is_dir()}, key=lambda p: len(p.parts)):
        if not any(f.is_relative_to(o) for o in out):
            out.append(f)
    return tuple(out)


class Coalescer:
    """Runs `job(changed_paths)` one at a time; whatever arrives during a run is merged into the next one."""

    def __init__(self, job: Callable[[tuple[str, ...]], Awaitable[None]]):
        self.job = job
        self.runs = 0
        self._pending: set[str] = set()
        self._wake = asyncio.Event()

    def submit(self, changed: Iterable[str] = ()) -> None:
        """Ask for a build; cheap, and never waits for one."""
        self._pending.update(str(p) for p in changed)
        self._wake.set()

    async def run(self) -> None:
        """The worker loop (one task per server)."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            changed, self._pending = tuple(sorted(self._pending)), set()
            try:
                await self.job(changed)
            except Exception:  # keep serving: the next save gets another try
                log.exception("preview build job failed")
            self.runs += 1


class _Either:
    """Stops a watch when the server stops or the folder set changes (watchfiles polls is_set())."""

    def __init__(self, *events: asyncio.Event):
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)


async def watch(folders: Callable[[], tuple[Path, ...]], on_change: Callable[[tuple[str, ...]], None],
                stop: asyncio.Event, rewatch: asyncio.Event, ignore: Path | None = None) -> None:
    """Call `on_change(paths)` for each burst of changes under `folders()`, re-reading them after `rewatch`."""
    from watchfiles import awatch

    while not stop.is_set():
        rewatch.clear()
        dirs = [str(d) for d in folders() if d.is_dir()]
        if not dirs:
            await asyncio.sleep(0.5)
            continue
        async for changes in awatch(*dirs, stop_event=_Either(stop, rewatch), step=STEP_MS, debounce=DEBOUNCE_MS,
                                    rust_timeout=500, yield_on_timeout=False):
            paths = tuple(sorted({p for _, p in changes if ignore is None or not Path(p).is_relative_to(ignore)}))
            if paths:
                on_change(paths)
