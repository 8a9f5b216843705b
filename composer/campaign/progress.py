"""The campaign's progress bar on stderr: done/total, rate, ETA and failures (rich)."""

from __future__ import annotations

from typing import Any


class Bar:
    """A rich progress bar, or nothing when disabled (the Python API's default)."""

    def __init__(self, total: int, enabled: bool):
        self.failed = 0
        self.progress: Any = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.progress = Progress(
            TextColumn("[bold]building"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"), TextColumn("ETA"), TimeRemainingColumn(),
            TextColumn("{task.fields[failed]}"), console=Console(stderr=True), transient=False,
        )
        self.progress.start()
        self.task = self.progress.add_task("building", total=total, rate="", failed="")

    def advance(self, failed: bool) -> None:
        """One variant finished."""
        self.failed += failed
        if self.progress is None:
            return
        speed = self.progress.tasks[0].speed
        self.progress.update(self.task, advance=1, rate=f"{speed:.1f}/s" if speed else "",
                             failed=f"[red]{self.failed} failed" if self.failed else "")

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
