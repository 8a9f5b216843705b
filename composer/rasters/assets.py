"""Safe access to the files a spec names: path confinement, raster loading, and cairosvg fetching.

Every file reference in a spec goes through `resolve_path`; rasters through `load_raster`; SVG
assets through `composer.svgsafe.sanitize_svg`; and cairosvg only ever gets `safe_url_fetcher`.
Nothing here touches the network.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import threading
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import unquote, urlparse

import cairosvg
from PIL import Image, ImageOps, UnidentifiedImageError

from composer.core.errors import AssetError
from composer.core.lru import LRU
from composer.core.paths import inside as _inside
from composer.core.paths import resolve_path

__all__ = [
    "MAX_ASSET_BYTES",
    "MAX_IMAGE_PIXELS",
    "MAX_SVG_BYTES",
    "MAX_SVG_DEPTH",
    "MAX_SVG_ELEMENTS",
    "MAX_SVG_EXPANDED",
    "MIN_CAIROSVG",
    "RASTER_FORMATS",
    "SVG_NS",
    "SVG_TAGS",
    "XLINK_NS",
    "XML_NS",
    "check_cairosvg_version",
    "decode_data_uri",
    "load_raster",
    "raster_size",
    "read_asset",
    "resolve_path",
    "safe_url_fetcher",
    "sanitize_svg",
]

from composer.core.limits import MAX_ASSET_BYTES, MAX_IMAGE_PIXELS  # noqa: E402  (re-exported)
from composer.core.limits import MAX_JPEG_SCANS, MAX_PIXELS_PER_BYTE  # noqa: E402
from composer.core.budget import charge_elements, charge_pixels  # noqa: E402
RASTER_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
MIN_CAIROSVG = (2, 9, 0)

_PIL_BOMB = re.compile(r"Image size \((\d+) pixels\)")


def check_cairosvg_version(version: str) -> None:
    """Raise ImportError unless `version` is cairosvg 2.9.0 or newer (fixes <use> amplification)."""
    parts = tuple(int(p) for p in re.findall(r"\d+", version)[:3])
    if parts < MIN_CAIROSVG:
        raise ImportError(
            f"Placard needs cairosvg >= 2.9.0, which limits recursive <use> amplification; "
            f"found {version}. Upgrade with: pip install 'cairosvg>=2.9.0'"
        )


check_cairosvg_version(cairosvg.__version__)


def raster_size(data: bytes, name: str, *, max_pixels: int = MAX_IMAGE_PIXELS) -> tuple[str, int, int]:
    """Read (format, width, height) from a raster's header only, refusing oversize declarations."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                fmt, (w, h) = im.format, im.size
    except Image.DecompressionBombError as exc:
        match = _PIL_BOMB.search(str(exc))
        declared = f"{int(match.group(1)):,}" if match else "too many"
        raise AssetError(
            f"{name} declares {declared} pixels, over the limit of {max_pixels:,}"
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise AssetError(f"{name} is not a valid PNG, JPEG or WebP image ({_reason(exc)})") from None
    if fmt not in RASTER_FORMATS:
        raise AssetError(f"{name} is a {fmt} image; allowed: PNG, JPEG or WebP")
    if w * h > max_pixels:
        raise AssetError(
            f"{name} declares {w}x{h} = {w * h:,} pixels, over the limit of {max_pixels:,}"
        )
    if w * h > 1_000_000 and w * h > MAX_PIXELS_PER_BYTE * len(data):
        raise AssetError(
            f"{name} declares {w}x{h} pixels in only {len(data):,} bytes (a decompression bomb?); "
            f"refused past {MAX_PIXELS_PER_BYTE:,} pixels a byte"
        )
    if fmt == "JPEG" and data.count(b"\xff\xda") > MAX_JPEG_SCANS:  # entropy data stuffs 0xFF as FF 00
        raise AssetError(f"{name} is a JPEG of more than {MAX_JPEG_SCANS} scans, over the limit")
    return fmt, w, h


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnidentifiedImageError):
        return "unrecognised contents"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def read_asset(path: Path, name: str | None = None, *, limit: int = MAX_ASSET_BYTES) -> bytes:
    """Read a resolved asset file, refusing folders, unreadable files and files over `limit` bytes."""
    name = name or Path(path).name
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise AssetError(f"{name} cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > limit:
        raise AssetError(f"{name} is over the limit of {limit:,} bytes")
    return data




def load_raster(path: Path, *, max_pixels: int = MAX_IMAGE_PIXELS, name: str | None = None) -> Image.Image:
    """Decode a PNG, JPEG or WebP file into an RGB or RGBA image, refusing decompression bombs."""
    name = name or Path(path).name
    data = read_asset(Path(path), name)
    _, w, h = raster_size(data, name, max_pixels=max_pixels)  # header check before any pixel is decoded
    charge_pixels(w * h, name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                ImageOps.exif_transpose(image, in_place=True)  # no copy of the pixels when nothing turns
    except Image.DecompressionBombError:
        raise AssetError(f"{name} declares too many pixels, over the limit of {max_pixels:,}") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise AssetError(f"{name} is not a valid PNG, JPEG or WebP image ({_reason(exc)})") from None
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if has_alpha else "RGB"
    return image if image.mode == mode else image.convert(mode)


def decode_data_uri(uri: str, name: str = "data: URI") -> tuple[str, bytes]:
    """Split a data: URI into (media type, bytes); only base64 or percent-encoded payloads."""
    head, sep, payload = uri.partition(",")
    if not head.lower().startswith("data:") or not sep:
        raise AssetError(f"{name} is not a well-formed data: URI")
    params = head[5:].split(";")
    mime = (params[0] or "text/plain").strip().lower()
    if len(payload) > MAX_ASSET_BYTES * 4 // 3 + 4:
        raise AssetError(f"{name} is over the limit of {MAX_ASSET_BYTES:,} bytes")
    if "base64" in (p.strip().lower() for p in params[1:]):
        try:
            data = base64.b64decode(re.sub(r"\s+", "", payload), validate=True)
        except (binascii.Error, ValueError):
            raise AssetError(f"{name} has invalid base64 data") from None
    else:
        data = unquote(payload).encode("utf-8", "surrogateescape")
    return mime, data


def safe_url_fetcher(allowed_dirs: Sequence[Path]) -> Callable[[str, str], bytes]:
    """A cairosvg url_fetcher that serves data: URIs and files inside allowed_dirs, nothing else."""
    roots = [Path(d).resolve() for d in allowed_dirs]

    def fetch(url: str, resource_type: str) -> bytes:
        """Return the bytes for `url`, or raise AssetError."""
        parsed = urlparse(url)
        scheme = parsed.scheme.lower()
        if scheme == "data":
            mime, data = decode_data_uri(url)
        elif scheme == "file" and parsed.netloc in ("", "localhost"):
            from urllib.request import url2pathname  # here: urllib.request costs a cold build ~10 ms (core/standins.py)

            path = Path(url2pathname(parsed.path)).resolve()
            if not _inside(path, roots) or not path.is_file():
                raise AssetError(f"SVG reference outside the allowed folders refused: {url[:200]!r}")
            data = read_asset(path, path.name)
            mime = "image/svg+xml" if path.suffix.lower() in (".svg", ".svgz") else "image/*"
        else:
            raise AssetError(f"URLs are not fetched: {url[:200]!r}; only data: URIs and allowed files")
        if mime == "image/svg+xml" or data.lstrip()[:5] in (b"<?xml", b"<svg ", b"<!DOC") or data[:2] == b"\x1f\x8b":
            # cairosvg would parse this SVG itself; give it the sanitised copy instead
            base = path.parent if scheme == "file" else (roots[0] if roots else None)
            return sanitize_svg(data, base_dir=base, allowed_dirs=roots, source_name="an SVG the SVG references")
        if resource_type.startswith("image/"):
            raster_size(data, "an image the SVG references")  # cairo decodes PNG with no bomb check
        return data

    return fetch


# --- SVG assets --------------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
from composer.core.limits import MAX_SVG_BYTES, MAX_SVG_DEPTH, MAX_SVG_ELEMENTS, MAX_SVG_EXPANDED  # noqa: E402
from composer.core.limits import MAX_SVG_DRAW_COST, SVG_POINT_COST  # noqa: E402
from composer.rasters.svgchecks import check_attribute, check_counts, point_count  # noqa: E402

# Static SVG 1.1 drawing elements. Anything else (script, foreignObject, animation, elements of
# other namespaces such as XHTML) is dropped with its subtree.
SVG_TAGS = frozenset(
    "a circle clipPath defs desc ellipse feBlend feColorMatrix feComponentTransfer feComposite "
    "feConvolveMatrix feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood "
    "feFuncA feFuncB feFuncG feFuncR feGaussianBlur feImage feMerge feMergeNode feMorphology "
    "feOffset fePointLight feSpecularLighting feSpotLight feTile feTurbulence filter g image line "
    "linearGradient marker mask path pattern polygon polyline radialGradient rect stop style svg "
    "switch symbol text textPath title tspan use view".split()
)
_DRAWN_BY_REFERENCE = frozenset("use clipPath marker mask pattern symbol svg g".split())
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.S)
_IMPORT = re.compile(r"@import[^;]*;?", re.I)
_RASTER_MIME = ("image/png", "image/jpeg", "image/webp")


def _local(tag: str) -> tuple[str, str]:
    """Split '{ns}name' into (ns, name)."""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


def _neutralise_css(text: str) -> str:
    """Drop @import rules and every url() that is not a '#fragment' from CSS text."""
    if "\\" in text:  # CSS escapes can spell url( or @import past any pattern: drop it all
        return ""
    text = _IMPORT.sub("", text)
    return _URL.sub(lambda m: m.group(0) if m.group(2).strip().startswith("#") else "none", text)


def _parse_svg(data: bytes, name: str):
    """Parse SVG bytes without DTD entities or external references; return the root element."""
    import zlib
    from xml.etree.ElementTree import ParseError

    import defusedxml
    from defusedxml import ElementTree as DET

    if data[:2] == b"\x1f\x8b":  # svgz: cap the inflated size too, a gzip bomb is a bomb
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            data = inflater.decompress(data, MAX_SVG_BYTES + 1)
        except zlib.error:
            raise AssetError(f"{name} is not a valid gzip-compressed SVG") from None
        if inflater.unconsumed_tail:
            raise AssetError(f"{name} inflates to more than {MAX_SVG_BYTES:,} bytes, over the limit")
    if len(data) > MAX_SVG_BYTES:
        raise AssetError(f"{name} is {len(data):,} bytes, over the limit of {MAX_SVG_BYTES:,} for an SVG")
    try:
        return DET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden:
        raise AssetError(
            f"{name} declares XML entities, which SVG assets may not use (XXE and billion-laughs risk)"
        ) from None
    except (defusedxml.ExternalReferenceForbidden, defusedxml.DTDForbidden):
        raise AssetError(f"{name} references an external DTD or entity, which SVG assets may not use") from None
    except ParseError as exc:
        raise AssetError(f"{name} is not well-formed XML ({exc})") from None
    except LookupError as exc:  # <?xml encoding="..."?> names a codec Python does not know
        raise AssetError(f"{name} declares an unknown XML encoding ({exc})") from None


def _check_shape(root, name: str) -> None:
    """Refuse trees with too many elements or nested too deep (serialising recurses)."""
    count, stack = 0, [(root, 1)]
    while stack:
        elem, depth = stack.pop()
        count += 1
        if count > MAX_SVG_ELEMENTS:
            raise AssetError(f"{name} has more than {MAX_SVG_ELEMENTS:,} elements, over the limit")
        if depth > MAX_SVG_DEPTH:
            raise AssetError(f"{name} nests elements more than {MAX_SVG_DEPTH} levels deep, over the limit")
        stack.extend((child, depth + 1) for child in elem)


def sanitize_svg(
    data: bytes,
    *,
    base_dir: Path | None,
    allowed_dirs: Sequence[Path] = (),
    source_name: str = "SVG",
) -> bytes:
    """Return a safe copy of an SVG asset: no scripts, events, entities or outside references.

    Images the SVG references by relative path are resolved like any spec path (inside base_dir
    or allowed_dirs) and inlined as data: URIs; '#id' references are kept, and the expansion of
    <use> (and other references that draw content) is bounded and checked for cycles.
    """
    key = (data, str(base_dir), tuple(str(d) for d in allowed_dirs))
    hit = _SANITIZED.get(key) if len(data) <= SANITIZED_MAX_BYTES else None
    if hit is not None:  # the same SVG again: its drawing still counts against this build's budget
        out, drawn, drawn_cost = hit
        charge_elements(drawn, source_name)
        charge_pixels(drawn_cost, source_name)
        return out
    reads = getattr(_FILE_READS, "n", 0)
    out, drawn, drawn_cost = _sanitize(data, base_dir, allowed_dirs, source_name)
    if len(data) <= SANITIZED_MAX_BYTES and getattr(_FILE_READS, "n", 0) == reads:
        _SANITIZED.put(key, (out, drawn, drawn_cost))  # only SVGs that read no other file: nothing can go stale
    return out


# Sanitised SVGs by (input bytes, folders), for SVGs that inline no file. A build sanitises each SVG
# image twice (the element's file, then the data: URI cairosvg fetches back) and a warm build of
# the same design did it all again: 12 ms a build for a page of nine icons.
SANITIZED_MAX_BYTES = 256 * 1024
_SANITIZED: LRU[tuple[bytes, int, int]] = LRU(32)
_FILE_READS = threading.local()  # files _inline_image read on this thread (a result that read one is not kept)


def _sanitize(data: bytes, base_dir: Path | None, allowed_dirs: Sequence[Path], source_name: str) -> tuple[bytes, int, int]:
    root = _parse_svg(data, source_name)
    ns, tag = _local(root.tag)
    if tag != "svg" or ns not in (SVG_NS, ""):
        raise AssetError(f"{source_name} is not an SVG document (its root element is <{tag}>)")
    _check_shape(root, source_name)
    check_counts(root, source_name)
    refs: dict[int, list[str]] = {}
    cost: dict[int, int] = {}  # drawing cost of each element (image pixels, path points), paid once per reference
    stack = [root]
    while stack:
        elem = stack.pop()
        elem.tag = "{%s}%s" % (SVG_NS, _local(elem.tag)[1])
        for child in list(elem):
            cns, ctag = _local(child.tag) if isinstance(child.tag, str) else ("?", "?")
            if cns not in (SVG_NS, "") or ctag not in SVG_TAGS:
                elem.remove(child)  # also drops its tail text, which is fine in SVG
            else:
                stack.append(child)
        refs[id(elem)] = _clean_attributes(elem, base_dir, allowed_dirs, source_name, cost)
        points = point_count(elem)
        if points:
            cost[id(elem)] = cost.get(id(elem), 0) + points * SVG_POINT_COST
        if _local(elem.tag)[1] == "style" and elem.text:
            elem.text = _neutralise_css(elem.text)
    drawn, drawn_cost = _check_expansion(root, refs, source_name, cost)
    charge_elements(drawn, source_name)
    charge_pixels(drawn_cost, source_name)  # path points count as pixels here: both are cairo's work
    from xml.etree import ElementTree as ET

    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="utf-8", xml_declaration=False), drawn, drawn_cost


def _clean_attributes(elem, base_dir: Path | None, allowed_dirs: Sequence[Path], name: str,
                      pixels: dict[int, int]) -> list[str]:
    """Strip unsafe attributes of one element in place; return the '#id's it references."""
    tag = _local(elem.tag)[1]
    found: list[str] = []
    for key in list(elem.attrib):
        ans, attr = _local(key)
        value = elem.attrib[key]
        check_attribute(tag, attr, value, name)
        is_href = attr == "href" and ans in ("", XLINK_NS)
        if attr.lower().startswith("on") or (ans and not is_href and key not in (
            "{%s}space" % XML_NS, "{%s}lang" % XML_NS
        )):
            del elem.attrib[key]  # event handlers, xml:base, editor namespaces
        elif is_href:
            href = value.strip()
            if href.startswith("#"):
                found.append(href[1:])
            elif tag == "a":
                del elem.attrib[key]  # hyperlinks are never fetched; drop javascript: and the like
            elif tag in ("image", "feImage"):
                elem.attrib[key], pixels[id(elem)] = _inline_image(href, base_dir, allowed_dirs, name, tag)
            else:
                raise AssetError(
                    f"{name}: <{tag}> href {href[:200]!r} refers outside the document; "
                    f"allowed: '#id' references to the same SVG"
                )
        elif "url(" in value:
            clean = _neutralise_css(value)
            found.extend(m.group(2).strip()[1:] for m in _URL.finditer(clean))
            elem.attrib[key] = clean
    return found


def _inline_image(href: str, base_dir: Path | None, allowed_dirs: Sequence[Path], name: str, tag: str) -> tuple[str, int]:
    """Turn an image reference into a checked data: URI (PNG, JPEG or WebP only)."""
    label = f"{name}: <{tag}> href"
    if href.lower().startswith("data:"):
        mime, data = decode_data_uri(href, label)
        if mime not in _RASTER_MIME:
            raise AssetError(f"{label}: data: URIs must be PNG, JPEG or WebP images, not {mime!r}")
        _, w, h = raster_size(data, label)
        return href, w * h
    if base_dir is None:
        raise AssetError(f"{label} {href[:200]!r}: this SVG may not reference files; use a data: URI")
    path = resolve_path(href, base_dir, allowed_dirs, field=label)
    _FILE_READS.n = getattr(_FILE_READS, "n", 0) + 1
    data = read_asset(path, path.name)
    fmt, w, h = raster_size(data, f"{label} {path.name!r}")
    return f"data:{RASTER_FORMATS[fmt]};base64,{base64.b64encode(data).decode('ascii')}", w * h


def _check_expansion(root, refs: dict[int, list[str]], name: str, pixels: dict[int, int]) -> tuple[int, int]:
    """Count elements and image pixels drawn once references are expanded; refuse cycles and amplification."""
    ids = {e.get("id"): e for e in root.iter() if e.get("id")}
    cost: dict[int, int] = {}
    px_cost: dict[int, int] = {}
    visiting: set[int] = set()

    def edges(elem):
        for child in elem:
            yield child, True
        for ref in refs.get(id(elem), ()):
            target = ids.get(ref)
            if target is not None:
                drawn = _local(elem.tag)[1] == "use" or _local(target.tag)[1] in _DRAWN_BY_REFERENCE
                yield target, drawn

    stack = [[root, edges(root), 1, True, pixels.get(id(root), 0)]]
    visiting.add(id(root))
    while stack:
        frame = stack[-1]
        elem, it = frame[0], frame[1]
        nxt = next(it, None)
        if nxt is None:
            stack.pop()
            visiting.discard(id(elem))
            cost[id(elem)], px_cost[id(elem)] = frame[2], frame[4]
            if stack and frame[3]:
                stack[-1][2] += frame[2]
                stack[-1][4] += frame[4]
        else:
            target, counts = nxt
            if id(target) in visiting:
                raise AssetError(f"{name}: references form a cycle through '#{target.get('id')}'")
            if id(target) in cost:
                frame[2] += cost[id(target)] if counts else 0
                frame[4] += px_cost[id(target)] if counts else 0
            else:
                visiting.add(id(target))
                stack.append([target, edges(target), 1, counts, pixels.get(id(target), 0)])
        if frame[4] > MAX_SVG_DRAW_COST:
            raise AssetError(
                f"{name}: its images and paths, drawn once for every reference, cost more than "
                f"{MAX_SVG_DRAW_COST // 1_000_000:,} megapixels to draw (a path point counts {SVG_POINT_COST}), over the limit"
            )
        if frame[2] > MAX_SVG_EXPANDED:
            raise AssetError(
                f"{name}: <use> references expand to more than {MAX_SVG_EXPANDED:,} elements, over the limit"
            )
    return cost.get(id(root), 1), px_cost.get(id(root), 0)
