"""Live preview end to end, in real Chromium (Debian's `chromium`, driven by Playwright's Python package)."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from ctrl_c import as_in_a_terminal

for _module in ("starlette", "uvicorn", "watchfiles"):  # the server the test starts needs the preview extra
    pytest.importorskip(_module, reason="the live preview needs the preview extra: pip install -e '.[preview]'")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _playwright():
    """Playwright's sync API, or a skip naming what to install (a failure with PLACARD_REQUIRE_SYSTEM_DEPS=1)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not CHROMIUM.is_file():
        msg = "needs the Debian package `chromium` (apt-get install chromium) and pip's playwright (the test extra)"
        if os.environ.get("PLACARD_REQUIRE_SYSTEM_DEPS") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return sync_playwright


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the README's launch poster, with its brand file and logo."""
    d = tmp_path / "site"
    d.mkdir()
    shutil.copy(ROOT / "samples" / "launch-poster.yaml", d)
    shutil.copytree(ROOT / "samples" / "brand", d / "brand")
    shutil.copytree(ROOT / "samples" / "assets", d / "assets")
    return d / "launch-poster.yaml"


def _save(path: Path, text: str) -> None:
    """Save the way editors do: write a new file beside it, then rename it over the old one."""
    tmp = path.with_name(path.name + ".tmp~")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@pytest.mark.slow
def test_edit_break_fix_and_boxes_in_chromium(site: Path, tmp_path: Path):
    sync_playwright = _playwright()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "composer", "preview", site.name, "--port", "0", "--no-open"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=site.parent,
                            preexec_fn=as_in_a_terminal)
    original = site.read_text("utf-8")
    try:
        url = proc.stdout.readline().strip().removeprefix("Preview: ")
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=\S+", url)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            # bypass_csp: Playwright's wait_for_function evaluates strings, which the page's CSP forbids
            page = browser.new_page(viewport={"width": 1400, "height": 900}, bypass_csp=True)
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            # 1. The page shows the first build.
            page.goto(url)
            page.wait_for_function("window.placard.shown >= 1", timeout=30_000)
            before = Image.open(io.BytesIO(page.locator("#poster").screenshot())).convert("RGB")
            shown = page.evaluate("window.placard.shown")
            # 2. Edit the headline: the image changes in place within 3 s.
            _save(site, original.replace("Summer Product Launch 2026", "Autumn Preview Night"))
            page.wait_for_function(f"window.placard.shown > {shown}", timeout=3_000)
            after = Image.open(io.BytesIO(page.locator("#poster").screenshot())).convert("RGB")
            assert ImageChops.difference(before, after).getbbox() is not None
            assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload
            # 3. Break the YAML: the error, its file and line, and a caret, over the dimmed poster.
            _save(site, original.replace('headline: "Summer', 'headline: ["Summer'))
            page.wait_for_selector("#error", state="visible", timeout=10_000)
            line = page.inner_text("#error-line")
            assert line.startswith("error: launch-poster.yaml:8:3: YAML syntax error: "), line
            assert page.inner_text("#error-source").startswith("8 |   subhead:")
            assert page.inner_text("#error-source").rstrip().endswith("^")
            assert page.get_attribute("#frame", "class") == "stale"
            # 4. Fix it: the overlay goes.
            _save(site, original)
            page.wait_for_selector("#error", state="hidden", timeout=10_000)
            assert page.get_attribute("#frame", "class") == ""
            # 5. Toggle the element boxes: one box and one id label per element.
            page.check("#overlays input[value=boxes]")
            boxes = page.locator("#overlay rect.box")
            assert boxes.count() == 6
            assert page.locator("#overlay text", has_text="headline").count() == 1
            page.check("#overlays input[value=text]")
            page.check("#overlays input[value=legibility]")
            page.wait_for_function("window.placard.shown >= 3", timeout=10_000)
            # Hovering an element names it and the spec line it comes from.
            box = page.locator("#overlay rect.box[data-id=headline]").bounding_box()
            page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.6)
            tip = page.inner_text("#tip")
            assert re.fullmatch(r"headline \(text\) · launch-poster\.yaml:7:13 · [\d.]+ px", tip), tip
            page.screenshot(path=str(tmp_path / "preview.png"))
            if os.environ.get("PLACARD_PREVIEW_SCREENSHOT"):  # how docs/preview.png is made
                shutil.copy(tmp_path / "preview.png", os.environ["PLACARD_PREVIEW_SCREENSHOT"])
            assert not errors
            # 6. Ctrl-C with the page still connected: a clean exit.
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=20)
            browser.close()
        assert proc.returncode == 0 and "Traceback" not in err
    finally:
        proc.kill()
