"""What every output says about itself: title, alt text, generator, seed, model and the IPTC source type."""

from __future__ import annotations

import json
import re
from html import escape as _html_escape
from typing import Any

from composer.core.version import __version__
from composer.layout.resolve import Layout
from composer.spec.loader import LoadedSpec
from generator.base import BACKENDS


def escape(text: str) -> str:
    """&, < and > as entities: what xml.sax.saxutils.escape does, without importing xml.sax."""
    return _html_escape(text, quote=False)


def first_text(layout: Layout) -> str | None:
    """The title a design gives itself: its headline, else its first text with a letter or digit.

    A preset's decorative quote mark or a lone bullet is drawn as text too, but names nothing.
    """
    texts = [p for p in layout.text_elements() if any(ch.isalnum() for ch in p.el.text)]
    named = [p for p in texts if "headline" in (p.el.id, p.el.slot) or "title" in (p.el.id, p.el.slot)]
    for p in named + texts:
        lines = [ln for ln in _plain(p.el.text, p.el.markup).splitlines() if any(ch.isalnum() for ch in ln)]
        if lines:
            return lines[0].strip()[:200]
    return None


def _plain(text: str, markup: bool = True) -> str:
    """Strip Placard's inline markup for metadata: **bold**, *italic*, [name]{text}."""
    if not markup:  # `markup: false` text is shown literally, so its metadata is literal too
        return text

    text = re.sub(r"\[[^\]]*\]\{([^}]*)\}", r"\1", text)
    return re.sub(r"(?<!\\)\*{1,2}", "", text).replace("\\*", "*")


def reading_order_text(layout: Layout) -> str:
    """Alt text from the text elements in reading order (top to bottom, then left to right)."""
    items = sorted(layout.text_elements(), key=lambda p: (round(p.frame.y / 20), p.frame.x))
    return " ".join(" ".join(_plain(p.el.text, p.el.markup).split()) for p in items if p.el.text.strip())[:2000]


def metadata(loaded: LoadedSpec, bg_meta: dict, title: str, alt: str) -> dict[str, Any]:
    ai = bg_meta.get("ai_generated", False) or (bg_meta.get("generator") in BACKENDS and BACKENDS[bg_meta["generator"]].ai_generated)
    source = ("http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia" if ai
              else "http://cv.iptc.org/newscodes/digitalsourcetype/compositeSynthetic")
    return {
        "title": title, "alt": alt, "software": f"Placard {__version__}", "generator": bg_meta.get("generator"),
        "model": bg_meta.get("model"), "seed": bg_meta.get("seed"), "prompt": bg_meta.get("prompt") or None,
        "ai_generated": ai, "digital_source_type": source,
    }


def keywords(meta: dict) -> str:
    parts = [f"generator={meta['generator']}", f"seed={meta['seed']}"]
    if meta.get("model"):
        parts.append(f"model={meta['model']}")
    if meta["ai_generated"]:
        parts.append("AI-generated content")
    return ", ".join(parts)


def png_text(meta: dict, title: str, alt: str) -> dict[str, str]:
    xmp = xmp_packet(meta, title, alt)
    out = {"Title": title, "Description": alt, "Software": meta["software"], "XML:com.adobe.xmp": xmp,
           "Placard": json.dumps(meta, sort_keys=True, ensure_ascii=False)}
    if meta["ai_generated"]:
        out["Comment"] = "Contains AI-generated content"
    return out


def raster_info(meta: dict, title: str, alt: str) -> dict[str, Any]:
    """What JPEG and WebP files carry: the XMP packet (title, alt, source type) and EXIF title, description, software."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010E] = alt  # ImageDescription
    exif[0x0131] = meta["software"]  # Software
    exif[0x9C9B] = (title + "\0").encode("utf-16-le")  # XPTitle: Windows shows it as the title
    return {"xmp": xmp_packet(meta, title, alt).encode("utf-8"), "exif": exif.tobytes()}


def xmp_packet(meta: dict, title: str, alt: str) -> str:
    """The XMP packet: Dublin Core title and description, IPTC digital source type, creator tool."""
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        f'<Iptc4xmpExt:DigitalSourceType>{escape(meta["digital_source_type"])}</Iptc4xmpExt:DigitalSourceType>'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>'
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(alt)}</rdf:li></rdf:Alt></dc:description>'
        f'<xmp:CreatorTool>{escape(meta["software"])}</xmp:CreatorTool>'
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
