"""urllib.request and importlib.metadata imported only when used (composer/core/standins.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("urllib.request", "importlib.metadata", "email", "http.client", "ssl")


def _expected_loaded() -> str:
    """None of HEAVY, except where pydantic looks for plugins regardless (2.6 has no PYDANTIC_DISABLE_PLUGINS)."""
    import pydantic.plugin._loader as loader

    honoured = "PYDANTIC_DISABLE_PLUGINS" in Path(loader.__file__).read_text()
    return "loaded []" if honoured else "loaded ['importlib.metadata', 'email']"


def _run(code: str, **env: str) -> str:
    environ = {**os.environ, "PYDANTIC_DISABLE_PLUGINS": "__all__", **env}
    environ.pop("PLACARD_STANDINS", None) if "PLACARD_STANDINS" not in env else None
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=environ, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_libraries_import_without_the_heavy_modules_and_still_work(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("fetched")
    out = _run(f"""
        import sys
        from composer.core import standins
        standins.install()
        import cairosvg, cairosvg.url, uniseg, pydantic
        from pydantic.plugin import _loader
        from composer.spec.model import Spec
        print("loaded", [m for m in {HEAVY!r} if m in sys.modules])
        print("plugins", list(_loader.get_plugins()))
        print("placeholder gone", "urllib.request" not in sys.modules)
        # uniseg's version is looked up when read, and is the installed distribution's
        version = uniseg.__version__
        import importlib.metadata
        print("version", version == importlib.metadata.version("uniseg"), "__version__" in vars(uniseg))
        # cairosvg's own fetcher reads a URL with the real urllib.request
        print("read", cairosvg.url.fetch({page.as_uri()!r}, "text/plain"))
        import urllib.request
        request = cairosvg.url.Request("http://example.com/", headers={{"a": "b"}})
        print("real", type(request) is urllib.request.Request, cairosvg.url.urlopen.__name__)
    """)
    assert _expected_loaded() in out
    assert "plugins []" in out and "placeholder gone True" in out
    assert "version True True" in out
    assert "read b'fetched'" in out
    assert "real True urlopen" in out


def test_enabled_pydantic_plugins_are_still_looked_for():
    out = _run("""
        import sys
        from composer.core import standins
        standins.install()
        from pydantic.plugin import _loader
        print(list(_loader.get_plugins()), _loader._plugins, "importlib.metadata" in sys.modules)
    """, PYDANTIC_DISABLE_PLUGINS="some-plugin")
    assert out.split() == ["[]", "{}", "True"]  # entry points were searched (there are none) with the real module


def test_a_library_imported_after_its_heavy_module_is_untouched_and_it_can_be_turned_off():
    out = _run("""
        import sys, urllib.request
        from composer.core import standins
        standins.install()
        import cairosvg.url
        print(cairosvg.url.urlopen is urllib.request.urlopen)
    """)
    assert out.strip() == "True"
    out = _run("""
        import sys
        from composer.core import standins
        standins.install()
        import cairosvg.url, uniseg
        print("urllib.request" in sys.modules, "importlib.metadata" in sys.modules, "__version__" in vars(uniseg))
    """, PLACARD_STANDINS="0")
    assert out.split() == ["True", "True", "True"]


def test_a_cli_build_imports_none_of_them(tmp_path):
    code = (
        "import atexit, sys\n"
        f"atexit.register(lambda: print('loaded', [m for m in {HEAVY!r} if m in sys.modules]))\n"
        "atexit.register(lambda: print('lazy', [type(sys.modules[m]).__name__ for m in ('PIL.ExifTags', 'PIL.ImageOps')]))\n"
        "import composer.__main__ as m\n"
        f"sys.argv = ['placard', 'build', 'samples/launch-poster.yaml', '--format', 'png', '-o', {str(tmp_path)!r}]\n"
        "m.cli()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if k not in ("PLACARD_STANDINS", "PYDANTIC_DISABLE_PLUGINS")})
    assert out.returncode == 0, out.stderr
    assert _expected_loaded() in out.stdout
    assert "lazy ['_LazyModule', '_LazyModule']" in out.stdout  # bound by PIL.Image and cairosvg, never read here
    assert (tmp_path / "launch-poster.png").is_file()


def test_pillows_exif_tags_load_when_first_read_even_from_many_threads(tmp_path):
    """PIL.ExifTags is bound by PIL.Image's import but runs only when read; eight threads reading it at once all
    see the whole module."""
    photo = tmp_path / "rotated.jpg"
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90°
    Image.new("RGB", (40, 20), "red").save(photo, exif=exif)
    out = _run(f"""
        import sys, threading
        from composer.core import standins
        standins.install()
        from PIL import Image, ImageOps
        import PIL.ExifTags as tags
        print("lazy", type(sys.modules["PIL.ExifTags"]).__name__)
        seen = []
        go = threading.Barrier(8)
        def read():
            go.wait()
            seen.append((tags.Base.Orientation.value, tags.TAGS[0x0112], tags.GPS.GPSLatitude.value))
        threads = [threading.Thread(target=read) for _ in range(8)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        print("threads", len(set(seen)), seen[0])
        print("loaded", type(sys.modules["PIL.ExifTags"]).__name__, Image.ExifTags is tags)
        print("transposed", ImageOps.exif_transpose(Image.open({str(photo)!r})).size)
    """)
    assert "lazy _LazyModule" in out
    assert "threads 1 (274, 'Orientation', 2)" in out
    assert "loaded module True" in out
    assert "transposed (20, 40)" in out
