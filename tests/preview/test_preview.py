"""Live preview: coalescing, cache reloads, the state contract, and every request the server refuses."""

from __future__ import annotations

import asyncio
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ctrl_c import as_in_a_terminal

pytest.importorskip("starlette")
pytest.importorskip("watchfiles")
pytest.importorskip("httpx")

from PIL import Image
from starlette.testclient import TestClient

from composer.preview.reload import invalidate
from composer.preview.server import STATIC_DIR, Hub, allowed_hosts, create_app
from composer.preview.session import Render, Session, State
from composer.preview.watcher import Coalescer, minimal_folders, watch, watch_folders

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "t0k3n-for-tests"
SPEC = """\
version: 1
canvas: {width: 200, height: 120, background: "#102030"}
elements:
  - type: text
    id: headline
    text: "Hello"
    box: {x: 10, y: 10, width: 180, height: 60}
    font: {family: Inter, weight: 700, size: 32}
    color: "#FFFFFF"
  - type: rect
    id: panel
    box: {x: 10, y: 80, width: 180, height: 30}
    fill: "#FFB000"
"""


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    p = tmp_path / "site" / "poster.yaml"
    p.parent.mkdir()
    p.write_text(SPEC, encoding="utf-8")
    return p


@pytest.fixture
def client(spec: Path):
    session = Session(spec)
    session.build()
    app = create_app(session, Hub(session), TOKEN, hosts={"testserver"}, cookie="placard_preview_test")
    with TestClient(app) as c:
        c.session = session
        yield c
    session.close()


def _png(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


# --- coalescing and the watcher ------------------------------------------------------------

def test_coalescer_merges_changes_that_arrive_during_a_build():
    seen: list[tuple[str, ...]] = []

    async def main():
        started, release = asyncio.Event(), asyncio.Event()

        async def job(changed):  # a build that lasts until the test releases it
            seen.append(changed)
            started.set()
            await release.wait()
            release.clear()

        c = Coalescer(job)
        worker = asyncio.create_task(c.run())
        c.submit(["a"])
        await started.wait()
        started.clear()
        for i in range(10):  # ten saves while the first build runs
            c.submit([f"f{i}"])
            await asyncio.sleep(0)
        release.set()
        await asyncio.wait_for(started.wait(), 5)  # exactly one more build starts, with all ten
        release.set()
        for _ in range(10):
            await asyncio.sleep(0.01)
        worker.cancel()
        return c.runs

    runs = asyncio.run(main())
    assert runs == 2
    assert seen == [("a",), tuple(sorted(f"f{i}" for i in range(10)))]


def test_watcher_sees_a_save_by_rename_in_the_watched_folder(tmp_path: Path):
    target = tmp_path / "poster.yaml"
    target.write_text("a")
    bursts: list[tuple[str, ...]] = []

    async def main():
        stop, rewatch = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(watch(lambda: (tmp_path,), bursts.append, stop, rewatch))
        await asyncio.sleep(0.3)
        tmp = tmp_path / ".poster.yaml.swx-tmp"  # how editors save: write a new file, rename it over the old one
        tmp.write_text("b")
        os.replace(tmp, target)
        for _ in range(40):
            await asyncio.sleep(0.05)
            if bursts:
                break
        await asyncio.sleep(0.2)
        stop.set()
        await asyncio.wait_for(task, 5)

    asyncio.run(main())
    assert bursts and str(target) in bursts[0]  # the renamed-over file itself, not only the temporary one


def test_watch_folders_cover_brand_fonts_and_templates_without_nesting(tmp_path: Path):
    site, shared = tmp_path / "site", tmp_path / "shared"
    fonts = shared / "brandfonts"
    (site / "brand").mkdir(parents=True)
    (site / "tpl").mkdir()
    fonts.mkdir(parents=True)
    (site / "brand" / "b.yaml").write_text("colors: {primary: '#0B5FFF'}\n")
    (site / "poster.yaml").write_text(SPEC + "brand: brand/b.yaml\nfonts: [brandfonts]\ntemplates: ./tpl\n")
    from composer.spec.loader import load_spec

    loaded = load_spec(site / "poster.yaml")
    assert watch_folders(loaded, (shared.resolve(),)) == (site.resolve(), fonts.resolve())
    assert minimal_folders([site / "tpl", site / "brand", site, tmp_path / "missing"]) == (site.resolve(),)


def test_a_stale_render_never_replaces_a_newer_one(spec: Path):
    session = Session(spec)
    newer = Render(5, b"new", None, {}, [], 0.1)
    older = Render(4, b"old", None, {}, [], 0.1)
    session.accept(State(build=1, ok=True, render=newer))
    state = session.accept(State(build=2, ok=True, render=older))
    assert state.render.png == b"new" and state.build == 2
    session.close()


# --- reloading templates and fonts ------------------------------------------------------------

def test_a_changed_template_is_used_by_the_next_build(spec: Path):
    # the user's own template (built-in ones such as rect.svg.j2 cannot be overridden: issue 16)
    tpl = spec.parent / "tpl"
    tpl.mkdir()
    swatch = '<rect x="{{ box.x }}" y="{{ box.y }}" width="{{ box.width }}" height="{{ box.height }}" fill="#FFB000"/>'
    (tpl / "swatch.svg.j2").write_text(swatch)
    spec.write_text(SPEC + "  - {type: template, template: swatch, box: {x: 10, y: 80, width: 180, height: 30}}\n"
                    "templates: ./tpl\n")
    session = Session(spec)
    first = _png(session.build().render.png).getpixel((100, 95))
    assert first == (255, 176, 0)
    (tpl / "swatch.svg.j2").write_text(swatch.replace("#FFB000", "#00FF00"))
    second = _png(session.build((str(tpl / "swatch.svg.j2"),)).render.png).getpixel((100, 95))
    assert second == (0, 255, 0)
    session.close()


DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@pytest.mark.skipif(not (DEJAVU / "DejaVuSans-Bold.ttf").is_file(), reason="needs the Debian package fonts-dejavu-core")
def test_a_font_file_saved_in_place_is_reloaded(spec: Path):
    fonts = spec.parent / "fonts"
    fonts.mkdir()
    shutil.copy(DEJAVU / "DejaVuSans.ttf", fonts / "brand.ttf")
    spec.write_text(SPEC.replace("family: Inter, weight: 700", "family: DejaVu Sans, weight: 400") + "fonts: [./fonts]\n")
    session = Session(spec)
    regular = session.build().render.overlay["elements"][0]["ink_box"]["width"]
    mtime = os.stat(fonts).st_mtime_ns
    with open(fonts / "brand.ttf", "wb") as f:  # overwritten in place: the folder's mtime does not move
        f.write((DEJAVU / "DejaVuSans-Bold.ttf").read_bytes())
    os.utime(fonts, ns=(mtime, mtime))
    bold = session.build((str(fonts / "brand.ttf"),)).render.overlay["elements"][0]["ink_box"]["width"]
    assert bold > regular + 5
    session.close()


def test_trim_forgets_draft_text_layouts_once_they_pile_up():
    from composer.preview.reload import MAX_TEXT_ENTRIES, trim
    from composer.text import FontLibrary, TextStyle, block, set_text
    from generator.base import Box

    block._BLOCKS.clear()
    lib, style = FontLibrary(), TextStyle(family="Inter", size=20)
    for i in range(MAX_TEXT_ENTRIES):
        set_text(f"draft {i}", Box(0, 0, 300, 40), style, lib)
    assert trim() is False and len(block._BLOCKS) == MAX_TEXT_ENTRIES
    kept = set_text("draft 0", Box(0, 0, 300, 40), style, lib)
    assert kept is set_text("draft 0", Box(0, 0, 300, 40), style, lib)  # still cached: the same object
    set_text("one more", Box(0, 0, 300, 40), style, lib)
    assert trim() is True and len(block._BLOCKS) == 0
    again = set_text("draft 0", Box(0, 0, 300, 40), style, lib)
    assert again is not kept and again.lines == kept.lines  # set anew, identically


def test_invalidate_names_what_it_cleared():
    assert invalidate(["a/poster.yaml", "b/logo.png"]) == set()
    assert invalidate(["fonts/Brand.OTF", "tpl/rect.svg.j2"]) == {"fonts", "templates"}


# --- the state contract and downloads -------------------------------------------------------------

def test_state_answers_the_contract_and_shows_errors_over_the_last_good_render(client, spec: Path):
    s = client.get(f"/state?token={TOKEN}").json()
    assert {"build", "ok", "error", "warnings", "png"} <= set(s)
    assert (s["build"], s["ok"], s["error"], s["warnings"]) == (1, True, None, [])
    assert s["png"] == f"http://testserver/render/1.png?token={TOKEN}"
    image = _png(client.get(s["png"]).content)
    assert image.size == (200, 120) and image.getpixel((100, 95)) == (255, 176, 0)
    headline = s["overlay"]["elements"][0]
    assert headline["id"] == "headline" and headline["source"].endswith("poster.yaml:4:5") and headline["lines"] == ["Hello"]

    spec.write_text(SPEC.replace("size: 32", "size: -3"))
    client.session.build()
    s = client.get(f"/state?token={TOKEN}").json()
    assert s["build"] == 2 and s["ok"] is False
    assert s["error"] == ("error: " + str(spec) + ":8:46: elements[0].font.size: invalid size -3; allowed: a size greater than 0")
    assert s["source"] == {"file": str(spec), "line": 8, "column": 46, "text": SPEC.splitlines()[7].replace("32", "-3")}
    assert s["png"] == f"http://testserver/render/1.png?token={TOKEN}"  # the last good render stays

    spec.write_text(SPEC)
    client.session.build()
    s = client.get(f"/state?token={TOKEN}").json()
    assert (s["build"], s["ok"], s["error"], s["shown"]) == (3, True, None, 3)
    assert client.get(f"/render/1.png?token={TOKEN}").status_code == 404  # only what is shown is served


def test_downloads_build_pdf_and_svg_of_what_is_shown(client):
    pdf = client.get(f"/download/1.pdf?token={TOKEN}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == 'attachment; filename="poster.pdf"'
    svg = client.get(f"/download/1.svg?token={TOKEN}")
    assert svg.status_code == 200 and b"<svg" in svg.content
    assert "sandbox" in svg.headers["content-security-policy"]
    png = client.get(f"/download/1.png?token={TOKEN}")
    assert png.content == client.get(f"/render/1.png?token={TOKEN}").content
    assert client.get(f"/download/1.gif?token={TOKEN}").status_code == 404
    assert client.get(f"/download/7.pdf?token={TOKEN}").status_code == 404


CAMPAIGN = """\
version: 1
layout: social/post
data: rows.csv
name: "${sku}-${size}"
sizes: [social/post, social/story]
slots:
  headline: "${name}"
background: {style: aurora, seed: 3}
"""


def test_a_campaign_spec_gets_size_and_row_selectors(client, spec: Path):
    (spec.parent / "rows.csv").write_text("sku,name\nA1,Kettle\nB2,Toaster\nC3,\n")
    from composer.preview.session import campaign_info

    assert campaign_info(str(spec)) is None
    spec.write_text(CAMPAIGN)
    assert campaign_info(str(spec)) == {"sizes": ["social/post", "social/story"], "rows": 3}
    state = client.session.build()  # nothing chosen: the first row in the spec's own layout
    assert state.ok, state.error
    assert state.render.loaded.name == "A1-post" and _png(state.render.png).size == (1080, 1350)
    headline = next(e for e in state.render.overlay["elements"] if e["id"] == "headline")
    assert client.post(f"/select?token={TOKEN}", content=b"not json").status_code == 400
    assert client.post(f"/select?token={TOKEN}", json={"size": "social/story", "row": "2"}).json() == {
        "selection": {"size": "social/story", "row": 2}}
    state = client.session.build()
    assert state.ok, state.error
    assert state.campaign == {"sizes": ["social/post", "social/story"], "rows": 3}
    assert state.render.loaded.name == "B2-story" and _png(state.render.png).size == (1080, 1920)
    story_headline = next(e for e in state.render.overlay["elements"] if e["id"] == "headline")
    assert story_headline["box"] != headline["box"]
    assert "Toaster" in json.dumps(state.render.loaded.raw) and "Kettle" not in json.dumps(state.render.loaded.raw)


def test_a_campaign_selection_that_does_not_exist_is_one_message(client, spec: Path):
    (spec.parent / "rows.csv").write_text("sku,name\nA1,Kettle\n")
    spec.write_text(CAMPAIGN)
    client.session.selection = {"row": 9}
    assert client.session.build().error == f"error: invalid value for row: row 9 is past the last row (1) of {spec.parent / 'rows.csv'}"
    client.session.selection = {"row": 0}
    assert client.session.build().error == "error: invalid value for row: 0; the rows are numbered from 1"
    client.session.selection = {"size": "social/poster", "row": 1}
    error = client.session.build().error
    assert error.startswith("error: ") and "social/poster" in error and "social/story" in error
    spec.write_text(SPEC)
    client.session.selection = {"row": 1}
    assert client.session.build().error == (
        "error: this spec is not a campaign (no data: or sizes:); there is no size None or row 1 to show")


# --- refused requests ------------------------------------------------------------------------

PATHS = ["/", "/state", "/events", "/render/1.png", "/download/1.pdf", "/static/app.js", "/static/style.css", "/nothing"]


@pytest.mark.parametrize("path", PATHS)
def test_every_path_needs_the_token(client, path: str):
    assert client.get(path).status_code == 403
    assert client.get(path + "?token=wrong").status_code == 403
    client.cookies.set("placard_preview_test", "wrong")
    assert client.get(path).status_code == 403
    client.cookies.clear()


def test_the_first_page_sets_the_token_cookie(client):
    page = client.get(f"/?token={TOKEN}")
    assert page.status_code == 200 and "<title>Placard preview</title>" in page.text
    assert "placard_preview_test" in page.headers["set-cookie"] and "HttpOnly" in page.headers["set-cookie"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/state").status_code == 200  # the cookie carries the token now


@pytest.mark.parametrize("host", ["evil.example:80", "evil.example", "127.0.0.1.evil.example", "testserver.evil", ""])
def test_a_foreign_host_header_is_refused_even_with_the_token(client, host: str):
    assert client.get(f"/state?token={TOKEN}", headers={"host": host}).status_code == 403


def test_allowed_hosts_are_the_bound_host_and_loopback_names_with_the_port():
    assert allowed_hosts("127.0.0.1", 8765) == {"127.0.0.1:8765", "localhost:8765", "[::1]:8765"}
    assert "evil.example:8765" not in allowed_hosts("0.0.0.0", 8765)


def test_static_serves_only_its_own_files(spec: Path, tmp_path: Path):
    static = tmp_path / "static"
    shutil.copytree(STATIC_DIR, static)
    (static / "evil.js").symlink_to(spec)  # a symlink out of the folder
    (static / "sub").mkdir()
    session = Session(spec)
    app = create_app(session, Hub(session), TOKEN, hosts={"testserver"}, static_dir=static)
    with TestClient(app) as c:
        assert c.get(f"/static/app.js?token={TOKEN}").status_code == 200
        for name in ("evil.js", "sub", "APP.JS", "app.js.map", ".hidden.js", "poster.yaml", "index.html%00.js"):
            assert c.get(f"/static/{name}?token={TOKEN}").status_code == 404, name
    session.close()


@pytest.fixture
def live_server(spec: Path):
    """The real server (uvicorn on a socket), so raw request paths reach it byte for byte."""
    from composer.preview import start

    server, sock, url, _session = start(spec, port=0)
    thread = threading.Thread(target=asyncio.run, args=(server.serve(sockets=[sock]),), daemon=True)
    thread.start()
    token = url.split("token=")[1]
    port = sock.getsockname()[1]
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield port, token
    server.should_exit = True
    thread.join(10)
    sock.close()


RAW_PATHS = [
    "/static/../poster.yaml", "/static/%2e%2e/poster.yaml", "/static/%2E%2E%2Fposter.yaml", "/static/..%2f..%2fetc%2fpasswd",
    "/static/%252e%252e/poster.yaml", "/static//etc/passwd", "//etc/passwd", "/static/%2fetc%2fpasswd",
    "/render/../../poster.yaml", "/poster.yaml", "/site/poster.yaml", "/static/..\\poster.yaml", "/static/app.js/..",
]


def test_traversal_and_absolute_paths_are_refused_by_the_real_server(live_server):
    port, token = live_server
    for raw in RAW_PATHS:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", f"{raw}?token={token}", headers={"Host": f"127.0.0.1:{port}"})
        resp = conn.getresponse()
        body = resp.read()
        assert resp.status in (403, 404), (raw, resp.status)
        assert b"version: 1" not in body and b"root:" not in body
        conn.close()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", f"/state?token={token}", headers={"Host": f"localhost:{port}"})
    assert conn.getresponse().status == 200
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", f"/state?token={token}", headers={"Host": f"rebind.example:{port}"})
    assert conn.getresponse().status == 403


# --- the command line ---------------------------------------------------------------------------

def _preview(spec: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "composer", "preview", str(spec), "--no-open", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
                            preexec_fn=as_in_a_terminal)


def test_cli_prints_the_url_first_falls_back_from_a_busy_port_and_exits_cleanly_on_ctrl_c(spec: Path):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    proc = _preview(spec, "--port", str(port))
    try:
        first = proc.stdout.readline().strip()
        m = re.fullmatch(r"Preview: http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]{20,})", first)
        assert m, first
        assert int(m.group(1)) != port
        conn = http.client.HTTPConnection("127.0.0.1", int(m.group(1)), timeout=10)
        conn.request("GET", "/state")
        assert conn.getresponse().status == 403
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
        busy.close()
    assert proc.returncode == 0
    assert "Traceback" not in err and f"port {port} is in use" in err


def test_cli_warns_about_a_non_loopback_host(spec: Path):
    proc = _preview(spec, "--port", "0", "--host", "0.0.0.0")
    try:
        assert proc.stdout.readline().startswith("Preview: http://0.0.0.0:")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert "warning: --host 0.0.0.0 is not a loopback address" in err
    assert proc.returncode == 0


def test_cli_refuses_a_missing_spec(tmp_path: Path):
    proc = _preview(tmp_path / "nope.yaml", "--port", "0")
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 2 and err.strip() == f"error: spec file '{tmp_path / 'nope.yaml'}' not found"
