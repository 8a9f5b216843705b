"""The preview's build state: builds run one at a time in this process, so every cache stays warm."""

from __future__ import annotations

import dataclasses
import logging
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from composer.core.errors import PlacardError, SpecError

log = logging.getLogger("placard.preview")
DOWNLOAD_FORMATS = ("png", "pdf", "svg")


@dataclass
class Render:
    """One good build: the PNG shown, what the overlays draw, and the spec it came from."""

    build: int
    png: bytes
    loaded: Any  # the LoadedSpec, so a download builds exactly what is shown
    overlay: dict
    warnings: list[dict]
    seconds: float
    started: float = 0.0  # wall clock (time.time()) when the build began
    downloads: dict[str, bytes] = field(default_factory=dict)


@dataclass
class State:
    """What the page is told after each build (see /state and the event stream)."""

    build: int = 0  # finished builds, good or bad
    ok: bool = False
    error: str | None = None
    source: dict | None = None  # the offending line: {file, line, column, text}
    render: Render | None = None  # the last good build
    campaign: dict | None = None
    selection: dict = field(default_factory=dict)


class Session:
    """Builds one spec on request and keeps the latest state; thread-safe (one build at a time)."""

    def __init__(self, spec: str | Path, allow_dirs: tuple[Path, ...] = ()):
        self.spec = str(spec)
        self.spec_dir = Path(spec).resolve().parent
        self.allow_dirs = tuple(allow_dirs)
        self.out_dir = Path(tempfile.mkdtemp(prefix="placard-preview-"))
        self.state = State()
        self.selection: dict = {}
        self.folders: tuple[Path, ...] = (self.spec_dir,)
        self._lock = threading.Lock()  # the composer's caches are not meant for concurrent builds
        # One thread runs every build: thread pools spread builds over threads, and each thread's
        # malloc arena then keeps its own freed rasters (tens of MB of RSS growth per thread).
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="placard-build")
        self._started = 0

    def close(self) -> None:
        """Stop the build thread and remove the server's own output folder."""
        self.executor.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(self.out_dir, ignore_errors=True)

    async def run(self, fn, *args):
        """Run `fn(*args)` on the build thread (from the event loop)."""
        import asyncio

        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    def build(self, changed: tuple[str, ...] = ()) -> State:
        """Rebuild now (after dropping caches that `changed` files make stale); returns the new state."""
        from composer.pipeline import BuildOptions, build

        from .reload import invalidate, release_memory, trim
        from .watcher import watch_folders

        with self._lock:
            invalidate(changed)
            self._started += 1
            bid = self._started
            t0, wall = time.perf_counter(), time.time()
            new = dataclasses.replace(self.state, build=self.state.build + 1)
            try:
                new.campaign = campaign_info(self.spec)
                new.selection = dict(self.selection)
                loaded, changed_by_campaign = load_target(self.spec, **self.selection, allow_dirs=self.allow_dirs,
                                                          campaign=new.campaign is not None)
                self.folders = watch_folders(loaded, self.allow_dirs)
                result = build(loaded, self.out_dir, ["png"], options=BuildOptions(allow_dirs=self.allow_dirs))
                png = (self.out_dir / f"{loaded.name}.png").read_bytes()
                overlay = overlay_data(loaded, result, self.allow_dirs)
                listed = result.report.get("warnings", [])
                found = list(getattr(result, "warnings", None) or (listed if isinstance(listed, list) else []))
                warnings = [_plain(w) for w in changed_by_campaign + [w for w in found if w not in changed_by_campaign]]
                del result  # the composition holds full-size rasters; keep only what the page needs
                new.render = Render(bid, png, loaded, overlay, warnings, time.perf_counter() - t0, wall)
                new.ok, new.error, new.source = True, None, None
            except PlacardError as e:
                new.ok, new.error, new.source = False, f"error: {e}", source_excerpt(e, self.spec_dir)
            except Exception as e:  # a bug in Placard must not stop the preview; the terminal gets the traceback
                log.exception("preview build failed")
                new.ok, new.error, new.source = False, f"internal error: {type(e).__name__}: {e}", None
            trim()
            release_memory()
            return self.accept(new)

    def accept(self, new: State) -> State:
        """Make `new` current unless a newer render is already shown (a stale build never wins)."""
        old = self.state.render
        if new.render is not None and old is not None and new.render.build < old.build:
            new = dataclasses.replace(new, render=old)
        self.state = new
        return new

    def download(self, build: int, fmt: str) -> bytes | None:
        """The PNG, PDF or SVG of a shown build (made on first request); None when it is gone."""
        from composer.pipeline import BuildOptions
        from composer.pipeline import build as run_build

        r = self.state.render
        if r is None or r.build != build or fmt not in DOWNLOAD_FORMATS:
            return None
        if fmt == "png":
            return r.png
        with self._lock:
            if fmt not in r.downloads:
                folder = self.out_dir / "downloads"
                run_build(r.loaded, folder, [fmt], options=BuildOptions(allow_dirs=self.allow_dirs))
                r.downloads[fmt] = (folder / f"{r.loaded.name}.{fmt}").read_bytes()
            return r.downloads[fmt]


def load_target(spec: str, size: str | None = None, row: int | None = None, *,
                allow_dirs: tuple[Path, ...] = (), campaign: bool = False) -> tuple[Any, list]:
    """The one place a variant is chosen: the spec itself, or one size and data row of a campaign.

    Returns the loaded spec and what the campaign changed in it (warnings, e.g. slots a size drops).
    A campaign spec with nothing selected shows its first data row in the spec's own layout.
    """
    if not campaign:
        from composer.spec.loader import load_spec

        if size is not None or row is not None:
            raise SpecError(f"this spec is not a campaign (no data: or sizes:); there is no size {size!r} or row {row!r} to show")
        return load_spec(spec), []
    from composer.campaign.run import one_variant
    from composer.core.options import BuildOptions

    variant = one_variant(spec, row, size, options=BuildOptions(allow_dirs=allow_dirs))
    return variant.loaded, list(variant.warnings)


def campaign_info(spec: str) -> dict | None:
    """The size presets and data row count of a campaign spec (`sizes:` / `data:`), None for a plain spec."""
    from composer.spec.yamlload import load_yaml_file

    try:
        raw, _ = load_yaml_file(Path(spec))
    except PlacardError:
        return None
    if not isinstance(raw, dict) or not ("sizes" in raw or "data" in raw):
        return None
    sizes = [str(s) for s in raw.get("sizes") or []] if isinstance(raw.get("sizes"), list) else []
    return {"sizes": sizes, "rows": _count_rows(Path(spec).resolve().parent, raw.get("data"))}


def _count_rows(base: Path, data: Any) -> int | None:
    """Rows in a campaign's CSV, JSON array or JSONL file (None when it cannot be read)."""
    import csv
    import json

    from composer.rasters.assets import resolve_path

    if not isinstance(data, str):
        return None
    try:
        path = resolve_path(data, base, field="data", kind="file")
        text = path.read_text("utf-8")
        if path.suffix.lower() == ".csv":
            return max(0, sum(1 for _ in csv.reader(text.splitlines())) - 1)
        if path.suffix.lower() == ".jsonl":
            return sum(1 for line in text.splitlines() if line.strip())
        rows = json.loads(text)
        return len(rows) if isinstance(rows, list) else None
    except (PlacardError, OSError, ValueError):
        return None


def overlay_data(loaded: Any, result: Any, allow_dirs: tuple[Path, ...] = ()) -> dict:
    """What the page's overlays draw: canvas geometry, each element's box and text facts, lint findings."""
    from composer import lint

    comp = result.composition
    c = comp.layout.canvas
    canvas = {"width": c.width, "height": c.height, "dpi": c.dpi, "bleed": c.bleed, "physical": bool(c.physical),
              "safe": lint.SAFE_MARGIN_MM / 25.4 * c.dpi if c.bleed > 0 else 0.0}
    elements = []
    for entry, p in zip(result.report["elements"], comp.layout.walk()):
        e = {"id": entry["id"], "type": entry["type"], "box": entry.get("box"), "source": str(spec_location(loaded, p))}
        if entry["type"] == "text":
            size = p.el.font.size
            e.update({k: entry.get(k) for k in ("size", "lines", "line_boxes", "ink_box", "color")})
            e["auto"] = size is None or size == "auto"
            leg = entry.get("legibility")
            if leg:
                e["legibility"] = {"contrast": leg["after"]["contrast"], "before": leg["before"]["contrast"],
                                   "target": leg["target"], "action": leg["action"], "met": leg["met"]}
        elements.append(e)
    try:
        problems = [dataclasses.asdict(p) for p in lint.check_composition(loaded, comp, allow_dirs)]
    except PlacardError as e:  # lint is advice: a failing check must not hide the poster
        problems = [{"severity": "warning", "element": None, "code": "lint-failed", "message": str(e), "fix": ""}]
    return {"canvas": canvas, "elements": elements, "lint": problems}


def spec_location(loaded: Any, p: Any):
    """Where an element comes from: its slot's value in the spec when a layout placed it, else its own entry."""
    slot = getattr(p.el, "slot", None)
    if slot and ("slots", slot) in loaded.positions.marks:
        return loaded.positions.locate(("slots", slot))
    return loaded.positions.locate(p.path)


def source_excerpt(e: PlacardError, spec_dir: Path) -> dict | None:
    """The source line an error points at, for the page's caret display."""
    from composer.core.resources import data_dir

    loc = e.location
    if loc is None or loc.line is None:
        return None
    for candidate in (Path(loc.file), spec_dir / loc.file, data_dir("layouts").parent / loc.file):
        try:
            if candidate.is_file() and candidate.stat().st_size <= 4 * 1024 * 1024:
                lines = candidate.read_text("utf-8", errors="replace").splitlines()
                if 1 <= loc.line <= len(lines):
                    return {"file": loc.file, "line": loc.line, "column": loc.column or 1, "text": lines[loc.line - 1]}
                return None
        except OSError:
            continue
    return None


def _plain(w: Any) -> dict:
    """A warning entry as a JSON-ready dict ({code, message, file, line, column, path})."""
    if isinstance(w, dict):
        return w
    if dataclasses.is_dataclass(w) and not isinstance(w, type):
        return dataclasses.asdict(w)
    return {k: getattr(w, k, None) for k in ("code", "message", "file", "line", "column", "path")}
