"""Stand-ins for two standard-library modules that a cold CLI build imports but never uses.

Three libraries on the composition path take names from a heavy standard-library module at
import time, and two call them only on a path Placard never takes:
- cairosvg.url does `from urllib.request import Request, urlopen` for reading http(s) URLs, and
  Placard gives cairosvg a fetcher that refuses anything but data: URIs
  (composer.rasters.assets.safe_url_fetcher). urllib.request brings in http.client, ssl, socket
  and the email package.
- pydantic.plugin._loader does `from importlib.metadata import entry_points` to look for plugins,
  and the CLI turns plugins off (PYDANTIC_DISABLE_PLUGINS=__all__). importlib.metadata brings in
  zipfile, csv, importlib.resources and the email package again.
- uniseg does `__version__ = version(__name__)` with importlib.metadata's `version`, at import,
  which looks through every installed distribution as well.
Together about 25-40 ms of a 0.6 s process (`python -X importtime`), which no option of either
library avoids. `install()`, called by the CLI only (composer/__main__.py), puts a finder first on
`sys.meta_path` that wraps the loader of each of the two library modules, so that while the
library module itself runs, a stand-in holds the heavy module's place in `sys.modules`:

- the stand-in hands out forwarders for the names taken at import time: each imports the real
  module on its first call and calls the real function or class;
- `version`, called while the library module runs, answers "not known yet" by raising the
  stand-in's `PackageNotFoundError` (which the library gets in place of the real one and catches);
  the module's `__version__` is then looked up with the real `version` when it is first read
  (a module `__getattr__`, PEP 562). Called later, it is the real `version`;
- any other name read from the stand-in, at any time, imports the real module and returns its
  attribute (pydantic 2.6 keeps the module itself and reads `distributions` from it later);
- the stand-in leaves `sys.modules` as soon as the library module has run, so any other
  `import urllib.request` gets the real module. When the heavy module is loaded already, the
  library module is imported as usual.

Two modules are imported whole where they are read only in functions a build may not call:
PIL.Image imports PIL.ExifTags, a 350-member IntEnum (6-9 ms to create), which Pillow reads only
for an image with EXIF data (ImageOps.exif_transpose, getexif); cairosvg.image and Placard's
paint stage import PIL.ImageOps (with ImagePalette and the GIMP palette readers, ~3 ms) for raster
images only. The finder gives each a lazy module: the import binds it at once, and its code runs when a name is first read from it, under a
lock (importlib.util.LazyLoader does the same but is not thread-safe before Python 3.12, and
campaigns build in threads).

So behaviour is unchanged: an http URL handed to cairosvg's own fetcher, or a pydantic plugin in a
process that enables them, still works (tests/render/test_standins.py); only the import waits until
it is needed. Nothing is imported early: a command that never imports cairosvg pays nothing.
PLACARD_STANDINS=0 turns this off.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import types
from collections.abc import Callable
from typing import Any

# (library module, heavy module it imports names from, the names it takes at import time)
DEFERRED: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("cairosvg.url", "urllib.request", ("Request", "urlopen")),
    ("pydantic.plugin._loader", "importlib.metadata", ("entry_points",)),
    ("uniseg", "importlib.metadata", ("PackageNotFoundError", "version")),
)
# modules whose code runs when a name is first read from them
LAZY = ("PIL.ExifTags", "PIL.ImageOps")


def _real(name: str) -> types.ModuleType:
    """The real module `name`, imported now if need be (with any stand-in taken out of the way first)."""
    module = sys.modules.get(name)
    if isinstance(module, _StandIn):
        del sys.modules[name]
    return importlib.import_module(name)


def _forwarder(module: str, name: str) -> Callable[..., Any]:
    def forward(*args: Any, **kwargs: Any) -> Any:
        return getattr(_real(module), name)(*args, **kwargs)

    forward.__name__ = forward.__qualname__ = name
    forward.__doc__ = f"{module}.{name}, imported on the first call (composer.core.standins)."
    return forward


class NotKnownYet(ModuleNotFoundError):
    """The stand-in's `importlib.metadata.PackageNotFoundError`: what its `version` raises while a library runs."""


class _StandIn(types.ModuleType):
    def __getattr__(self, name: str) -> Any:  # names not handed out: the real thing
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return getattr(_real(self.__name__), name)


def _version_later(module: types.ModuleType, dist: str) -> None:
    """Give `module` a `__version__` looked up with importlib.metadata when it is first read (PEP 562)."""
    own = module.__dict__.get("__getattr__")

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module hook's name
        if name == "__version__":
            metadata = _real("importlib.metadata")
            try:
                version = metadata.version(dist)
            except metadata.PackageNotFoundError:
                raise AttributeError(f"module {module.__name__!r} has no attribute '__version__'") from None
            setattr(module, "__version__", version)
            return version
        if own is not None:
            return own(name)
        raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")

    module.__getattr__ = __getattr__  # type: ignore[method-assign]


class _Loader:
    """The library module's own loader, run with the stand-in in place; anything else goes to that loader."""

    def __init__(self, loader: Any, heavy: str, names: tuple[str, ...]):
        self.loader, self.heavy, self.names = loader, heavy, names

    def create_module(self, spec: Any) -> types.ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        if self.heavy in sys.modules:  # loaded meanwhile: nothing to save
            self.loader.exec_module(module)
            return
        running = True
        asked: list[str] = []  # distributions whose version the library asked for while it ran

        def version(dist: str) -> str:
            if running:
                asked.append(dist)
                raise NotKnownYet(f"{dist}: looked up when first read (composer.core.standins)")
            return _real("importlib.metadata").version(dist)

        stand_in = _StandIn(self.heavy, f"stand-in for {self.heavy} while {module.__name__} runs (composer.core.standins)")
        for name in self.names:
            value: Any = (NotKnownYet if name == "PackageNotFoundError" else version if name == "version"
                          else _forwarder(self.heavy, name))
            setattr(stand_in, name, value)
        sys.modules[self.heavy] = stand_in
        try:
            self.loader.exec_module(module)
        finally:
            running = False
            if sys.modules.get(self.heavy) is stand_in:
                del sys.modules[self.heavy]
        if len(asked) == 1 and "__version__" not in module.__dict__:
            _version_later(module, asked[0])

    def __getattr__(self, name: str) -> Any:  # get_code, get_source, is_package, get_resource_reader ...
        return getattr(self.loader, name)


_LAZY_LOCK = threading.RLock()
_PENDING: dict[str, Any] = {}  # lazy module name -> its real loader, until a name is first read


class _LazyModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:  # a name not in the module yet: run its code first
        with _LAZY_LOCK:
            loader = _PENDING.pop(self.__name__, None)
            if loader is not None:
                self.__class__ = types.ModuleType  # type: ignore[assignment]  # plain from now on
                try:
                    loader.exec_module(self)
                except BaseException:
                    sys.modules.pop(self.__name__, None)  # as a failed import leaves it
                    raise
        return types.ModuleType.__getattribute__(self, name)


class _LazyLoader:
    """The module's own loader, run when a name is first read from the module (see _LazyModule)."""

    def __init__(self, loader: Any):
        self.loader = loader

    def create_module(self, spec: Any) -> types.ModuleType:
        return _LazyModule(spec.name)

    def exec_module(self, module: types.ModuleType) -> None:
        if isinstance(module, _LazyModule):
            _PENDING[module.__name__] = self.loader
        else:  # importlib.reload of a module that has run: run it again
            self.loader.exec_module(module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loader, name)


class _Finder:
    """First on sys.meta_path: finds a DEFERRED or LAZY module through the other finders and wraps its loader."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        entry = _BY_LIBRARY.get(fullname)
        if (entry is None or entry[0] in sys.modules) and fullname not in LAZY:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module") and hasattr(spec.loader, "create_module"):
                    # a Loader in all but name
                    spec.loader = _LazyLoader(spec.loader) if entry is None else _Loader(spec.loader, *entry)  # type: ignore[assignment]
                return spec
        return None


_BY_LIBRARY = {library: (heavy, names) for library, heavy, names in DEFERRED}


def install() -> None:
    """Put the finder first on sys.meta_path (once), unless PLACARD_STANDINS=0 (see the module)."""
    if os.environ.get("PLACARD_STANDINS", "1") == "0" or any(isinstance(f, _Finder) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder())
