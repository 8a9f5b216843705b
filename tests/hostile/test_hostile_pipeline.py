"""Hostile specs through the whole pipeline: a clear PlacardError or a safe render, never a leak.

Asset-level attacks (SVG entities, PNG bombs, path resolution) are in test_assets.py and spec
error messages in test_spec_errors.py; this file drives each attack through `build` from a spec
file, and checks that nothing is written to the output folder when the build fails.
"""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from PIL import Image

import composer
from composer.core.errors import AssetError, FontError, PlacardError, RenderError, SpecError

ROOT = Path(__file__).resolve().parents[2]
from make_corpus import corpus, png_declaring, tiny_png  # noqa: E402

HEAD = """\
version: 1
canvas: {width: 200, height: 120}
background: {style: flat}
outputs: [svg]
"""
SECRET = "TOP-SECRET-7f3a"


@pytest.fixture
def site(tmp_path: Path) -> dict[str, Path]:
    """A spec folder, an output folder beside it, and a secret file outside the spec folder."""
    specs, out = tmp_path / "specs", tmp_path / "out"
    specs.mkdir()
    (tmp_path / "secret.txt").write_text(SECRET)
    (tmp_path / "secret.png").write_bytes(tiny_png(4))
    (specs / "ok.png").write_bytes(tiny_png(4))
    return {"root": tmp_path, "specs": specs, "out": out}


def write(site: dict, body: str, name: str = "spec.yaml") -> Path:
    p = site["specs"] / name
    body = textwrap.dedent(body).lstrip("\n")
    head = HEAD.replace("background: {style: flat}\n", "") if body.startswith("background:") else HEAD
    p.write_text(head + body, encoding="utf-8")
    return p


def tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def build_fails(site: dict, spec: Path, kind: type[PlacardError] = PlacardError, **kw) -> PlacardError:
    """Build must raise `kind`, leave no output folder content, and write nothing anywhere else."""
    before = tree(site["root"])
    with pytest.raises(kind) as e:
        composer.build(spec, site["out"], **kw)
    after = tree(site["root"])
    assert after - before <= {"out"}, f"wrote {sorted(after - before)}"
    assert not site["out"].exists() or not any(site["out"].iterdir())
    assert SECRET not in str(e.value)
    return e.value


def build_ok(site: dict, spec: Path, **kw) -> composer.BuildResult:
    before = tree(site["root"])
    result = composer.build(spec, site["out"], **kw)
    new = tree(site["root"]) - before
    assert all(p == "out" or p.startswith("out" + os.sep) for p in new), sorted(new)
    for f in result.files:
        assert SECRET not in f.read_bytes().decode("utf-8", "replace")
    return result


# --------------------------------------------------------------------------- size and nesting


def test_50mb_yaml_is_refused_before_parsing(site):
    spec = site["specs"] / "huge.yaml"
    with spec.open("w") as f:
        f.write(HEAD + "title: '")
        chunk = "x" * (1024 * 1024)
        for _ in range(50):
            f.write(chunk)
        f.write("'\n")
    err = build_fails(site, spec, SpecError)
    assert str(err) == f"{spec}: the document is 52.4 MB, larger than the 2 MB limit; refused"


def test_10000_nested_lists_are_refused(site):
    spec = write(site, "title: " + "[" * 10_000 + "]" * 10_000 + "\n")
    err = build_fails(site, spec, SpecError)
    assert str(err) == f"{spec}:5:72: the document nests deeper than 64 levels; refused"


def test_deep_groups_from_the_python_api(site):
    el: dict = {"type": "rect", "box": {"x": 0, "y": 0, "width": 10, "height": 10}, "fill": "#000000"}
    for _ in range(5_000):
        el = {"type": "group", "elements": [el]}
    spec = {"version": 1, "canvas": {"width": 50, "height": 50}, "background": {"style": "flat"}, "elements": [el]}
    with pytest.raises(SpecError) as e:
        composer.build(spec, site["out"], ["svg"])
    assert str(e.value) == "<spec>: the document nests deeper than 64 levels; refused"
    assert not site["out"].exists()


def test_1mb_text_is_refused(site):
    spec = write(site, f"elements:\n  - {{type: text, text: '{'word ' * 200_000}', box: {{x: 0, y: 0, width: 200, height: 120}}}}\n")
    err = build_fails(site, spec, SpecError)
    assert "elements[0].text" in str(err) and "20000 characters" in str(err)


# --------------------------------------------------------------------------- Jinja2


@pytest.mark.parametrize("text", ["{{ 7*7 }}", "{% for x in range(10**9) %}x{% endfor %}", "{{ cycler.__init__.__globals__.os }}"])
def test_jinja_in_user_text_renders_literally(site, text):
    spec = write(site, f"elements:\n  - {{type: text, id: t, text: {json.dumps(text)}, markup: false, box: {{x: 4, y: 4, width: 192, height: 112}}, font: {{size: 10}}}}\n")
    result = build_ok(site, spec)
    (entry,) = [e for e in result.report["elements"] if e["id"] == "t"]
    assert " ".join(entry["lines"]) == text
    assert json.dumps(text)[1:-1] in result.files[-1].read_text()  # the report, verbatim
    assert f"<title>{escape(text)}</title>" in result.svg  # the metadata carries it verbatim, escaped


TEMPLATES = {
    "mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "globals": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "range": "{% for x in range(10**9) %}x{% endfor %}",
    "abs_include": "{% include '/etc/passwd' %}",
    "up_include": "{% include '../secret.txt' %}",
    "up2_include": "{% include '../../secret.txt' %}",
    "import": "{% import '../secret.txt' as s %}",
    "link_include": "{% include 'link.txt' %}",
    "syntax": "{% if %}",
    "missing": "{% include 'nope.svg.j2' %}",
    "self_include": "{% include 'evil.svg.j2' %}",
    "power": "{{ 7 ** 1000000000 }}",
    "power_loop": "{% set n = namespace(v=2) %}{% for i in range(40) %}{% set n.v = n.v * n.v %}{% endfor %}{{ n.v }}",
    "repeat": "{{ 'x' * 10 ** 9 }}",
    "nested_range": "{% for a in range(99999) %}{% for b in range(99999) %}{% endfor %}{% endfor %}",
}
SAFE_TEMPLATES = {  # the sandbox hides private attributes: they render as nothing
    "format": "<g>{{ '%s'.format.__globals__ }}</g>",
    "dunder_chain": "<g>{{ ''.__class__ }}</g>",
}


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_custom_templates_are_sandboxed(site, name):
    tpl = site["specs"] / "tpl"
    tpl.mkdir()
    (tpl / "evil.svg.j2").write_text(TEMPLATES[name])
    (tpl / "link.txt").symlink_to(site["root"] / "secret.txt")
    spec = write(site, """
        templates: ./tpl
        elements:
          - {type: template, template: evil, box: {x: 0, y: 0, width: 100, height: 100}}
        """)
    err = build_fails(site, spec, SpecError)
    assert "template 'evil" in str(err)


@pytest.mark.parametrize("name", sorted(SAFE_TEMPLATES))
def test_private_attributes_render_as_nothing(site, name):
    tpl = site["specs"] / "tpl"
    tpl.mkdir()
    (tpl / "evil.svg.j2").write_text(SAFE_TEMPLATES[name])
    spec = write(site, """
        templates: ./tpl
        elements:
          - {type: template, template: evil, box: {x: 0, y: 0, width: 100, height: 100}}
        """)
    result = build_ok(site, spec)
    assert "<g />" in result.svg and "__" not in result.svg  # template output passes the SVG sanitiser


def test_template_names_cannot_leave_the_folder(site):
    (site["specs"] / "tpl").mkdir()
    spec = write(site, """
        templates: ./tpl
        elements:
          - {type: template, template: ../../secret, box: {x: 0, y: 0, width: 100, height: 100}}
        """)
    err = build_fails(site, spec, SpecError)
    assert "invalid template name '../../secret'" in str(err)


# --------------------------------------------------------------------------- paths


def _symlink(site) -> str:
    link = site["specs"] / "out-link"
    link.symlink_to(site["root"])
    return "out-link/secret.png"


ESCAPES = {
    "dotdot": lambda site: "../secret.png",
    "absolute": lambda site: str(site["root"] / "secret.png"),
    "symlink": _symlink,
    "http": lambda site: "http://example.com/a.png",
    "file_url": lambda site: f"file://{site['root'] / 'secret.png'}",
}
FIELDS = {
    "image_src": "elements:\n  - {{type: image, src: '{v}', box: {{x: 0, y: 0, width: 50, height: 50}}}}\n",
    "background_image": "background: {{image: '{v}'}}\n",
    "init_image": "background: {{style: aurora, init_image: '{v}'}}\n",
    "brand_file": "brand: '{v}'\n",
    "brand_logo": "brand: {{logo: '{v}'}}\nelements:\n  - {{type: image, src: logo, box: {{x: 0, y: 0, width: 50, height: 50}}}}\n",
    "fonts": "fonts: ['{v}']\n",
    "templates": "templates: '{v}'\n",
    "layout": "layout: '{v}'\n",
    "chart_data": "elements:\n  - {{type: bar_chart, data: '{v}', x: a, y: b, box: {{x: 0, y: 0, width: 200, height: 120}}}}\n",
}
DIR_FIELDS = {"fonts", "templates"}
YAML_FIELDS = {"brand_file", "layout"}
CSV_FIELDS = {"chart_data"}


@pytest.mark.parametrize("how", sorted(ESCAPES))
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_paths_cannot_escape(site, field, how):
    (site["root"] / "secret.yaml").write_text(f"colors: {{ink: '#000000'}}\nname: {SECRET}\n")
    (site["root"] / "secret.csv").write_text(f"a,b\n{SECRET},1\n")
    value = ESCAPES[how](site)
    if field in DIR_FIELDS:
        value = value.rsplit("/", 1)[0] if how != "http" else value
        value = value if value not in ("..",) else ".."
    elif field in YAML_FIELDS:
        value = value.replace("secret.png", "secret.yaml")
    elif field in CSV_FIELDS:
        value = value.replace("secret.png", "secret.csv")
    spec = write(site, FIELDS[field].format(v=value))
    err = build_fails(site, spec, AssetError if field != "layout" or how not in ("http",) else PlacardError)
    expected = {"absolute": ("absolute",), "dotdot": ("'..'", "outside"), "http": ("URL", "unknown layout"),
                "file_url": ("URL",), "symlink": ("symlink", "outside")}[how]
    assert any(w in err.message for w in expected), err.message


# --------------------------------------------------------------------------- numbers


FIELD_AT = {"box": "elements[0].box.width", "canvas": "canvas.width", "font": "elements[0].font.size"}
NOT_FINITE = "invalid length {v}; allowed: a finite number"
UNIT = "invalid length '1e309'; allowed: a number of pixels or a string with a unit (px, mm, cm, in, pt, %), e.g. \"12mm\""


@pytest.mark.parametrize("where,value,message", [
    *[(w, v, NOT_FINITE.format(v=n)) for w in FIELD_AT for v, n in ((".nan", "nan"), (".inf", "inf"), ("-.inf", "-inf"))],
    *[(w, "1e309", UNIT) for w in FIELD_AT],
    ("box", "-10", "invalid width -10.0; allowed: a size greater than 0"),
    ("box", "0", "invalid width 0.0; allowed: a size greater than 0"),
    ("canvas", "-10", "invalid canvas width -10 px; allowed: at least 1 px"),
    ("canvas", "0", "invalid canvas width 0 px; allowed: at least 1 px"),
    ("font", "-10", "invalid size -10; allowed: a size greater than 0"),
    ("font", "0", "invalid size 0; allowed: a size greater than 0"),
])
def test_nan_infinite_negative_and_zero_sizes(site, where, value, message):
    if where == "canvas":
        spec = site["specs"] / "spec.yaml"
        spec.write_text(f"version: 1\ncanvas: {{width: {value}, height: 100}}\nbackground: {{style: flat}}\n")
    elif where == "box":
        spec = write(site, f"elements:\n  - {{type: rect, box: {{x: 0, y: 0, width: {value}, height: 20}}, fill: '#000000'}}\n")
    else:
        spec = write(site, f"elements:\n  - {{type: text, text: hi, box: {{x: 0, y: 0, width: 100, height: 50}}, font: {{size: {value}}}}}\n")
    err = build_fails(site, spec, SpecError)
    assert err.path == FIELD_AT[where]
    assert err.message == message


# --------------------------------------------------------------------------- fonts, canvas, images


def test_a_font_file_that_is_not_a_font(site):
    fonts = site["specs"] / "fonts"
    fonts.mkdir()
    (fonts / "Junk-Regular.ttf").write_bytes(b"\x00\x01\x00\x00" + os.urandom(2000))
    (fonts / "Text.ttf").write_text("this is not a font")
    spec = write(site, """
        fonts: [./fonts]
        elements:
          - {type: text, text: hello, font: {family: Junk}, box: {x: 0, y: 0, width: 200, height: 60}}
        """)
    err = build_fails(site, spec, FontError)
    assert "Junk" in str(err)


def test_a_font_symlinked_from_outside_the_fonts_folder(site):
    fonts = site["specs"] / "fonts"
    fonts.mkdir()
    outside = next((ROOT / "composer" / "fonts").rglob("*.ttf"))
    (fonts / "Borrowed.ttf").symlink_to(outside)
    spec = write(site, """
        fonts: [./fonts]
        elements:
          - {type: text, text: hello, box: {x: 0, y: 0, width: 200, height: 60}}
        """)
    err = build_fails(site, spec, FontError)
    assert err.message == f"font file {fonts / 'Borrowed.ttf'} is a symlink to a place outside its folder; refused"


def test_oversized_template_and_template_symlinked_to_a_device(site):
    tpl = site["specs"] / "tpl"
    tpl.mkdir()
    (tpl / "big.svg.j2").write_text("<g/>" * 300_000)
    (tpl / "zero.svg.j2").symlink_to("/dev/zero")
    for name, message in (("big", "is larger than 1,048,576 bytes"), ("zero", "unknown template 'zero'; available: badge, big, ribbon")):
        spec = write(site, f"""
            templates: ./tpl
            elements:
              - {{type: template, template: {name}, box: {{x: 0, y: 0, width: 100, height: 100}}}}
            """)
        err = build_fails(site, spec, SpecError)
        assert message in err.message


SAFE_ASSETS = {"script.svg", "local_image.svg", "tiny.png"}  # sanitised or harmless: they render


@pytest.mark.parametrize("name", sorted(corpus()))
def test_hostile_assets_through_a_build(site, name):
    """Every file of the asset corpus, as an image element: refused, or drawn without its payload."""
    for fname, data in corpus().items():
        (site["specs"] / fname).write_bytes(data)
    spec = write(site, f"outputs: [svg, png]\nelements:\n  - {{type: image, src: {name}, box: {{x: 0, y: 0, width: 64, height: 64}}}}\n")
    spec.write_text(spec.read_text().replace("outputs: [svg]\n", ""))
    if name in SAFE_ASSETS:
        result = build_ok(site, spec)
        for bad in ("<script", "javascript:", "attacker", "onload", "onclick", "foreignObject"):
            assert bad not in result.svg
    else:
        err = build_fails(site, spec, AssetError)
        assert err.path == "elements[0].src" and str(err.location) == f"{spec}:6:24"
        assert err.message.startswith(name) or name.startswith("href_")


def test_canvas_over_the_pixel_cap(site):
    spec = site["specs"] / "spec.yaml"
    spec.write_text("version: 1\ncanvas: {width: 29000, height: 29000}\nbackground: {style: flat}\n")
    err = build_fails(site, spec, SpecError)
    assert "over the 100 megapixel cap" in str(err)


def test_image_declaring_100k_by_100k_pixels(site):
    (site["specs"] / "bomb.png").write_bytes(png_declaring(100_000, 100_000))
    for field in ("elements:\n  - {type: image, src: bomb.png, box: {x: 0, y: 0, width: 50, height: 50}}\n",
                  "background: {image: bomb.png}\n"):
        spec = write(site, field)
        err = build_fails(site, spec, AssetError)
        assert "100,000" in str(err) or "pixels" in str(err)


# --------------------------------------------------------------------------- output folder and interrupts


def test_output_folder_that_is_a_file(site):
    spec = write(site, "elements: []\n")
    site["out"].write_text("not a folder")
    with pytest.raises(RenderError) as e:
        composer.build(spec, site["out"])
    assert e.value.message == f"could not write {site['out'] / 'spec.svg'}: {site['out']} is not a folder"
    assert site["out"].read_text() == "not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_output_folder_that_is_not_writable(site):
    spec = write(site, "elements: []\n")
    site["out"].mkdir()
    site["out"].chmod(0o500)
    try:
        with pytest.raises(RenderError):
            composer.build(spec, site["out"])
    finally:
        site["out"].chmod(0o700)


@pytest.mark.parametrize("where,errno_", [("mkstemp", errno.EACCES), ("fsync", errno.ENOSPC)])
def test_unwritable_or_full_output_folder(site, monkeypatch, where, errno_):
    """Root ignores permissions, so the OS refusal is simulated where write_atomic meets it."""
    import composer.output.writers as outputs

    def refuse(*args, **kwargs):
        raise OSError(errno_, os.strerror(errno_))

    monkeypatch.setattr(outputs.tempfile if where == "mkstemp" else outputs.os, where, refuse)
    spec = write(site, "elements: []\n")
    with pytest.raises(RenderError) as e:
        composer.build(spec, site["out"])
    assert e.value.message == f"could not write {site['out'] / 'spec.svg'}: {os.strerror(errno_)}"
    assert not site["out"].exists() or not any(site["out"].iterdir())  # the .part file is removed


def test_output_path_inside_a_file_gives_a_clean_cli_error(site):
    spec = write(site, "elements: []\n")
    site["out"].write_text("not a folder")
    r = subprocess.run([sys.executable, "-m", "composer", "build", str(spec), "-o", str(site["out"] / "sub")],
                       capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert r.stderr.startswith("error: ")


PRINT_SPEC = ("version: 1\ncanvas: {preset: A4, dpi: 150}\nbackground: {style: aurora, seed: 3}\n"
              "outputs: [png, pdf, svg]\nelements:\n"
              "  - {type: text, text: Interrupted, box: {x: 10mm, y: 10mm, width: 150mm, height: 40mm}}\n")
FINALS = ["print.png", "print.svg", "print.pdf", "print.report.json"]  # the order build writes them
# Runs the CLI, SIGKILLing itself inside the N-th atomic write, after the data and before the rename.
KILL_IN_WRITE = """
import os, signal, sys
import composer.output.writers as o
calls = [0]
real = os.fsync
def fsync(fd):
    real(fd)
    calls[0] += 1
    if calls[0] == int(sys.argv[1]):
        os.kill(os.getpid(), signal.SIGKILL)
o.os.fsync = fsync
from composer.__main__ import main
sys.exit(main(sys.argv[2:]))
"""


def _check_outputs(out: Path) -> list[str]:
    """Every file under a final name is whole; returns the leftover .part files."""
    names = sorted(p.name for p in out.iterdir()) if out.exists() else []
    for name in names:
        assert name in FINALS or (name.startswith(".") and name.endswith(".part")), names
    for name in set(names) & set(FINALS):
        data = (out / name).read_bytes()
        if name.endswith(".png"):
            Image.open(io.BytesIO(data)).load()
        elif name.endswith(".pdf"):
            assert data.rstrip().endswith(b"%%EOF")
        elif name.endswith(".svg"):
            assert data.rstrip().endswith(b"</svg>")
        else:
            json.loads(data)
    return [n for n in names if n.endswith(".part")]


@pytest.mark.slow
@pytest.mark.parametrize("extra_ms", [0, 3, 15, 40])
def test_build_killed_at_a_random_moment_leaves_no_partial_file(site, extra_ms):
    """Kill the build while it writes: wait until the output folder appears (the writer makes it just
    before its first file), then a few ms more, and check that what is there is whole."""
    spec = site["specs"] / "print.yaml"
    spec.write_text(PRINT_SPEC)
    out = site["out"]
    proc = subprocess.Popen([sys.executable, "-m", "composer", "build", str(spec), "-o", str(out)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not out.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.0005)
    found_folder = out.exists()
    time.sleep(extra_ms / 1000)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert found_folder, "the build ended before it wrote anything: the kill tested nothing"
    _check_outputs(out)


@pytest.mark.parametrize("nth", [1, 3])
def test_build_killed_inside_a_write_leaves_only_a_part_file(site, nth):
    spec = site["specs"] / "print.yaml"
    spec.write_text(PRINT_SPEC)
    r = subprocess.run([sys.executable, "-c", KILL_IN_WRITE, str(nth), "build", str(spec), "-o", str(site["out"])],
                       cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, timeout=120)
    assert r.returncode == -signal.SIGKILL
    parts = _check_outputs(site["out"])
    whole = sorted(p.name for p in site["out"].iterdir() if not p.name.endswith(".part"))
    assert whole == sorted(FINALS[: nth - 1])
    # The killed write leaves its temporary file behind (nothing can clean up after SIGKILL); it is
    # hidden, never under the output's name, and the next build overwrites the outputs atomically.
    assert parts == [p for p in parts if p.startswith(f".{FINALS[nth - 1]}.")] and len(parts) == 1
