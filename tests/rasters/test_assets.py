"""Asset safety: spec paths stay inside allowed folders, rasters and SVGs from hostile authors."""

from __future__ import annotations

import os
import signal

import pytest
from cairosvg.surface import PNGSurface
from PIL import Image

from composer.rasters import assets
from composer.rasters.assets import load_raster, resolve_path, safe_url_fetcher, sanitize_svg
from composer.core.errors import AssetError, Location

from make_corpus import SVG_OPEN, make_corpus  # noqa: E402

ALLOWED = "expected a path to a file inside the spec's folder"
HINT = "other folders need --allow-dir DIR (Python: allow_dirs=[...])"
ALLOW = "allow its folder with --allow-dir DIR (Python: allow_dirs=[...])"


@pytest.fixture(autouse=True)
def hang_guard():
    """Fail instead of hanging: every hostile input must be refused or rendered promptly."""

    def expired(signum, frame):
        raise TimeoutError("hostile input took more than 20 s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def spec_dir(tmp_path):
    (tmp_path / "assets").mkdir()
    Image.new("RGB", (4, 4), "blue").save(tmp_path / "assets" / "logo.png")
    return tmp_path


def refused(value, base, allowed=(), **kw):
    with pytest.raises(AssetError) as info:
        resolve_path(value, base, allowed, field="elements[1].src", **kw)
    return str(info.value)


# --- paths ------------------------------------------------------------------------------------


def test_relative_path_resolves_inside_spec_folder(spec_dir):
    got = resolve_path("./assets//logo.png", spec_dir, field="elements[1].src")
    assert got == (spec_dir / "assets" / "logo.png").resolve()


@pytest.mark.parametrize(
    "value",
    ["http://example.com/a.png", "HTTPS://example.com/a.png", "file:///etc/passwd", "ftp://h/x.png",
     "data:image/png;base64,AAAA", "javascript:alert(1)"],
)
def test_url_schemes_are_refused(spec_dir, value):
    assert refused(value, spec_dir) == f"elements[1].src: URLs are not fetched: {value!r}; {ALLOWED}; {HINT}"


@pytest.mark.parametrize("value", ["/etc/passwd", "C:\\Windows\\win.ini", "\\\\server\\share\\x.png"])
def test_absolute_paths_outside_are_refused(spec_dir, value):
    assert refused(value, spec_dir) == f"elements[1].src: absolute path {value!r} lies outside the spec's folder; {ALLOW}"


def test_absolute_path_inside_the_spec_folder_is_fine(spec_dir):
    logo = (spec_dir / "assets" / "logo.png").resolve()
    assert resolve_path(str(logo), spec_dir, field="x") == logo


@pytest.mark.parametrize("value", ["../secret.png", "assets/../../secret.png", "..\\..\\etc\\passwd", ".."])
def test_dotdot_escapes_are_refused(spec_dir, value):
    assert refused(value, spec_dir) == f"elements[1].src: {value!r} leaves the spec's folder through '..'; {ALLOW}"


def test_dotdot_into_an_allowed_folder_is_fine(tmp_path):
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "b.yaml").write_text("colors: {}\n")
    spec = tmp_path / "campaigns" / "spring"
    spec.mkdir(parents=True)
    assert resolve_path("../../brand/b.yaml", spec, [tmp_path], field="brand") == (tmp_path / "brand" / "b.yaml").resolve()
    assert refused("../../brand/b.yaml", spec) == (
        f"elements[1].src: '../../brand/b.yaml' leaves the spec's folder through '..'; {ALLOW}")
    assert refused("../../../x", spec, [tmp_path]) == (
        f"elements[1].src: '../../../x' leaves the spec's folder and the allowed folders through '..'; {ALLOW}")
    # a symlink inside the allowed folder that leads out of it stays refused
    outside = tmp_path.parent / (tmp_path.name + "-outside.yaml")
    outside.write_text("x: 1\n")
    os.symlink(outside, tmp_path / "brand" / "link.yaml")
    assert "is a symlink to a place outside the allowed folders" in refused("../../brand/link.yaml", spec, [tmp_path])


def test_dotdot_that_stays_inside_is_fine(spec_dir):
    assert resolve_path("assets/../assets/logo.png", spec_dir, field="x").name == "logo.png"


def test_symlink_out_of_the_folder_is_refused(spec_dir, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.png"
    outside.write_bytes(b"secret")
    os.symlink(outside, spec_dir / "assets" / "link.png")
    os.symlink(outside.parent, spec_dir / "linkdir")
    expected = "is a symlink to a place outside the allowed folders; " + ALLOWED + "; " + HINT
    assert refused("assets/link.png", spec_dir) == f"elements[1].src: 'assets/link.png' {expected}"
    assert refused("linkdir/secret.png", spec_dir) == f"elements[1].src: 'linkdir/secret.png' {expected}"


def test_symlink_into_an_allowed_folder_is_fine(spec_dir, tmp_path_factory):
    brand = tmp_path_factory.mktemp("brand")
    (brand / "mark.png").write_bytes(b"x")
    os.symlink(brand / "mark.png", spec_dir / "mark.png")
    assert resolve_path("mark.png", spec_dir, [brand], field="x") == (brand / "mark.png").resolve()
    # and a relative path is also looked up in each allowed folder, after the spec's own
    assert resolve_path("mark.png", spec_dir / "assets", [brand], field="x") == (brand / "mark.png").resolve()


def test_missing_file_names_the_relative_path_and_location(spec_dir):
    with pytest.raises(AssetError) as info:
        resolve_path("assets/./nope.png", spec_dir, field="elements[1].src", location=Location("s.yaml", 9, 10))
    assert str(info.value) == "s.yaml:9:10: elements[1].src: not found: 'assets/nope.png' (looked in the spec's folder)"
    with pytest.raises(AssetError, match=r"^x: file not found: 'nope.png' \(looked in the spec's folder or the allowed folders\)$"):
        resolve_path("nope.png", spec_dir, [spec_dir / "assets"], field="x", kind="file")


def test_folder_kind(spec_dir):
    assert resolve_path("assets", spec_dir, field="fonts[0]", kind="folder") == (spec_dir / "assets").resolve()
    assert refused("assets", spec_dir, kind="file") == "elements[1].src: 'assets' is not a file"
    assert refused("assets/logo.png", spec_dir, kind="folder") == "elements[1].src: 'assets/logo.png' is not a folder"
    assert resolve_path("assets", spec_dir, field="fonts[0]") == (spec_dir / "assets").resolve()  # kind="any"


def test_symlink_loops_and_dangling_links(spec_dir):
    os.symlink(spec_dir / "loop_a", spec_dir / "loop_b")
    os.symlink(spec_dir / "loop_b", spec_dir / "loop_a")
    os.symlink(spec_dir / "gone.png", spec_dir / "dangling.png")
    assert refused("loop_a", spec_dir) == "elements[1].src: 'loop_a' is a symlink loop"
    assert refused("dangling.png", spec_dir) == "elements[1].src: not found: 'dangling.png' (looked in the spec's folder)"


def test_fifos_and_devices_are_refused(spec_dir):
    os.mkfifo(spec_dir / "assets" / "pipe.png")  # reading it would block the build forever
    assert refused("assets/pipe.png", spec_dir) == "elements[1].src: 'assets/pipe.png' is not a regular file or folder"


def test_allowed_folders_are_named(spec_dir, tmp_path_factory):
    brand = tmp_path_factory.mktemp("brand2")
    assert refused("/x.png", spec_dir, [brand]) == (
        f"elements[1].src: absolute path '/x.png' lies outside the spec's folder and the allowed folders; {ALLOW}"
    )


# --- rasters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, message",
    [
        ("huge.png", "huge.png declares 10,000,000,000 pixels, over the limit of 100,000,000"),
        ("over_limit.png", "over_limit.png declares 12000x9000 = 108,000,000 pixels, over the limit of 100,000,000"),
        ("not_an_image.png", "not_an_image.png is not a valid PNG, JPEG or WebP image (unrecognised contents)"),
        ("truncated.png", "truncated.png is not a valid PNG, JPEG or WebP image (image file is truncated)"),
        ("image.gif", "image.gif is a GIF image; allowed: PNG, JPEG or WebP"),
    ],
)
def test_hostile_rasters_are_refused(corpus, name, message):
    with pytest.raises(AssetError) as info:
        load_raster(corpus[name])
    assert str(info.value) == message


def test_folders_and_oversized_files_are_refused(corpus, spec_dir):
    with pytest.raises(AssetError, match=r"^assets cannot be read \(Is a directory\)$"):
        load_raster(spec_dir / "assets")
    with pytest.raises(AssetError, match=r"^tiny.png is over the limit of 10 bytes$"):
        assets.read_asset(corpus["tiny.png"], limit=10)


def test_raster_limit_is_per_call(corpus):
    with pytest.raises(AssetError, match=r"declares 2x2 = 4 pixels, over the limit of 3$"):
        load_raster(corpus["tiny.png"], max_pixels=3)
    assert Image.MAX_IMAGE_PIXELS is not None  # the global guard is left alone


@pytest.mark.parametrize("fmt, mode", [("PNG", "RGBA"), ("JPEG", "RGB"), ("WEBP", "RGB")])
def test_supported_rasters_load(tmp_path, fmt, mode):
    path = tmp_path / f"x.{fmt.lower()}"
    Image.new(mode, (5, 3), "red").save(path, fmt)
    image = load_raster(path)
    assert (image.size, image.mode) == ((5, 3), mode)


# --- SVG --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, message",
    [
        ("xxe_file.svg", "xxe_file.svg declares XML entities, which SVG assets may not use (XXE and billion-laughs risk)"),
        ("xxe_parameter.svg", "xxe_parameter.svg declares XML entities, which SVG assets may not use (XXE and billion-laughs risk)"),
        ("billion_laughs.svg", "billion_laughs.svg declares XML entities, which SVG assets may not use (XXE and billion-laughs risk)"),
        ("href_http.svg", f"href_http.svg: <image> href: URLs are not fetched: 'http://attacker.example/track.png'; {ALLOWED}; {HINT}"),
        ("href_file.svg", f"href_file.svg: <image> href: URLs are not fetched: 'file:///etc/passwd'; {ALLOWED}; {HINT}"),
        ("href_escape.svg", f"href_escape.svg: <image> href: '../../secret.png' leaves the spec's folder through '..'; {ALLOW}"),
        ("href_absolute.svg", f"href_absolute.svg: <image> href: absolute path '/etc/hostname' lies outside the spec's folder; {ALLOW}"),
        ("use_external.svg", "use_external.svg: <use> href 'http://attacker.example/sprite.svg#icon' refers outside "
                             "the document; allowed: '#id' references to the same SVG"),
        ("use_recursive.svg", "use_recursive.svg: references form a cycle through '#a'"),
        ("use_mutual.svg", "use_mutual.svg: references form a cycle through '#a'"),
        ("use_bomb.svg", "use_bomb.svg: <use> references expand to more than 100,000 elements, over the limit"),
        ("deep.svg", "deep.svg nests elements more than 200 levels deep, over the limit"),
        ("many_elements.svg", "many_elements.svg has more than 50,000 elements, over the limit"),
        ("gzip_bomb.svgz", "gzip_bomb.svgz inflates to more than 10,485,760 bytes, over the limit"),
        ("not_svg.svg", "not_svg.svg is not an SVG document (its root element is <html>)"),
        ("not_xml.svg", "not_xml.svg is not well-formed XML (mismatched tag: line 1, column 48)"),
        ("embedded_bomb.svg", "embedded_bomb.svg: <image> href declares 10,000,000,000 pixels, over the limit of 100,000,000"),
        ("embedded_svg.svg", "embedded_svg.svg: <image> href: data: URIs must be PNG, JPEG or WebP images, not 'image/svg+xml'"),
    ],
)
def test_hostile_svgs_are_refused(corpus, name, message):
    path = corpus[name]
    with pytest.raises(AssetError) as info:
        sanitize_svg(path.read_bytes(), base_dir=path.parent, source_name=name)
    assert str(info.value) == message


def test_scripts_events_and_foreign_content_are_stripped(corpus):
    out = sanitize_svg(corpus["script.svg"].read_bytes(), base_dir=corpus["script.svg"].parent, source_name="s")
    assert out == (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
        b'<rect width="64" height="64" fill="#0B5FFF" />'
        b'<a><circle cx="32" cy="32" r="8" fill="#FFB000" /></a>'
        b"<style> rect { fill: none }</style></svg>"
    )
    png = PNGSurface.convert(bytestring=out, url_fetcher=safe_url_fetcher([corpus["script.svg"].parent]))
    assert png.startswith(b"\x89PNG")


def test_css_escapes_and_urls_are_neutralised(tmp_path):
    svg = SVG_OPEN + (
        '<style>@import "http://x/a.css"; rect { fill: \\75 rl(http://x/p) }</style>'
        '<rect width="2" height="2" style="fill:url( \'http://x/q\' ); stroke:url(#g)"/></svg>'
    )
    out = sanitize_svg(svg.encode(), base_dir=tmp_path, source_name="c")
    assert out.endswith(b'<style /><rect width="2" height="2" style="fill:none; stroke:url(#g)" /></svg>')


def test_sanitising_is_idempotent(corpus):
    for name in ("script.svg", "local_image.svg"):
        once = sanitize_svg(corpus[name].read_bytes(), base_dir=corpus[name].parent, source_name=name)
        assert sanitize_svg(once, base_dir=None, source_name=name) == once


def test_local_images_are_inlined_and_render(corpus):
    path = corpus["local_image.svg"]
    out = sanitize_svg(path.read_bytes(), base_dir=path.parent, source_name="l")
    assert b'href="data:image/png;base64,iVBOR' in out and b"tiny.png" not in out
    fetched = []
    fetcher = safe_url_fetcher([])

    def spy(url, kind):
        fetched.append(url[:22])
        return fetcher(url, kind)

    png = PNGSurface.convert(bytestring=out, url_fetcher=spy)
    assert fetched == ["data:image/png;base64,"]
    assert Image.open(__import__("io").BytesIO(png)).size == (64, 64)


def test_fragment_uses_and_doctype_are_kept(tmp_path):
    svg = (
        b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
        + SVG_OPEN.encode()
        + b'<defs><rect id="r" width="3" height="3"/></defs><use xlink:href="#r" x="4"/></svg>'
    )
    out = sanitize_svg(svg, base_dir=tmp_path, source_name="ok.svg")
    assert b'<use xlink:href="#r" x="4" />' in out


def test_use_expansion_within_the_limit_is_accepted(tmp_path):
    from make_corpus import use_bomb

    out = sanitize_svg(use_bomb(levels=4, fanout=10).encode(), base_dir=tmp_path, source_name="ok.svg")
    assert out.count(b"<use") == 31


# --- the cairosvg fetcher ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://attacker.example/x.png", "URLs are not fetched: 'http://attacker.example/x.png'; only data: URIs and allowed files"),
        ("ftp://h/x", "URLs are not fetched: 'ftp://h/x'; only data: URIs and allowed files"),
        ("file:///etc/passwd", "SVG reference outside the allowed folders refused: 'file:///etc/passwd'"),
        ("file://otherhost/etc/passwd", "URLs are not fetched: 'file://otherhost/etc/passwd'; only data: URIs and allowed files"),
    ],
)
def test_fetcher_refuses_everything_but_data_and_allowed_files(tmp_path, url, message):
    with pytest.raises(AssetError) as info:
        safe_url_fetcher([tmp_path])(url, "image/*")
    assert str(info.value) == message


def test_fetcher_serves_allowed_files_and_data(corpus):
    fetch = safe_url_fetcher([corpus["tiny.png"].parent])
    assert fetch(corpus["tiny.png"].as_uri(), "image/*") == corpus["tiny.png"].read_bytes()
    assert fetch("data:text/css,rect%7Bfill:red%7D", "text/css") == b"rect{fill:red}"


def test_cairosvg_with_the_fetcher_never_leaves_the_sandbox(corpus):
    fetch = safe_url_fetcher([corpus["tiny.png"].parent])
    for name in ("href_http.svg", "href_file.svg", "embedded_bomb.svg", "embedded_svg.svg"):
        with pytest.raises(AssetError):
            PNGSurface.convert(bytestring=corpus[name].read_bytes(), url_fetcher=fetch)


def test_old_cairosvg_is_refused():
    assets.check_cairosvg_version("2.9.0")
    with pytest.raises(ImportError, match=r"^Placard needs cairosvg >= 2\.9\.0.*found 2\.7\.1\."):
        assets.check_cairosvg_version("2.7.1")


# --- fuzzing: only AssetError, never a path outside the folders --------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from(["..", ".", "assets", "logo.png", "link", "", "/", "\\", "C:", "http:", "%2e%2e",
                           "~", "\x00", " ", "file:", "//", "data:,x", "é", "a" * 300])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PIECES, max_size=8).map("".join) | st.text(max_size=40))
def test_fuzzed_paths_resolve_inside_or_raise_asset_error(spec_dir_fuzz, value):
    base, outside = spec_dir_fuzz
    try:
        got = resolve_path(value, base, field="src")
    except AssetError:
        return
    assert got.is_relative_to(base.resolve()) and not got.is_relative_to(outside.resolve())


@pytest.fixture(scope="module")
def spec_dir_fuzz(tmp_path_factory):
    base = tmp_path_factory.mktemp("fuzzspec")
    outside = tmp_path_factory.mktemp("fuzzoutside")
    (base / "assets").mkdir()
    (base / "assets" / "logo.png").write_bytes(b"x")
    (outside / "logo.png").write_bytes(b"secret")
    os.symlink(outside, base / "link")
    return base, outside


def _svg_seeds() -> list[bytes]:
    from make_corpus import corpus

    return [v for k, v in sorted(corpus().items()) if k.endswith(".svg") and len(v) < 5000]


_SEEDS = _svg_seeds()


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_fuzzed_svgs_raise_only_asset_error(data):
    raw = bytearray(data.draw(st.sampled_from(_SEEDS)))
    for _ in range(data.draw(st.integers(0, 4))):
        at = data.draw(st.integers(0, len(raw)))
        raw[at:at + data.draw(st.integers(0, 8))] = data.draw(st.binary(max_size=8))
    try:
        out = sanitize_svg(bytes(raw), base_dir=None, source_name="fuzz.svg")
    except AssetError:
        return
    assert b"<script" not in out and b"javascript:" not in out.lower()


def test_a_kept_sanitised_svg_still_charges_the_build_budget_and_one_that_inlines_a_file_is_not_kept(tmp_path):
    from composer.core.budget import build_budget

    assets._SANITIZED.clear()
    svg = (SVG_OPEN + '<g id="a"><path d="M0 0L10 10L0 10Z"/></g>' + '<use href="#a"/>' * 3 + "</svg>").encode()
    with build_budget() as first:
        out = sanitize_svg(svg, base_dir=tmp_path, source_name="icon.svg")
    with build_budget() as second:
        assert sanitize_svg(svg, base_dir=tmp_path, source_name="icon.svg") == out  # kept: the same bytes
    assert len(assets._SANITIZED) == 1
    assert (second.elements, second.pixels) == (first.elements, first.pixels) and first.elements > 0

    Image.new("RGB", (4, 4), "blue").save(tmp_path / "dot.png")
    with_file = (SVG_OPEN + '<image href="dot.png" width="4" height="4"/></svg>').encode()
    before = sanitize_svg(with_file, base_dir=tmp_path, source_name="pic.svg")
    assert len(assets._SANITIZED) == 1  # it read dot.png, which may change: not kept
    Image.new("RGB", (4, 4), "red").save(tmp_path / "dot.png")
    assert sanitize_svg(with_file, base_dir=tmp_path, source_name="pic.svg") != before  # the new file is read
