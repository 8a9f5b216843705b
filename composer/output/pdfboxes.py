"""Add TrimBox and BleedBox to cairo's single-page PDF, which cairo itself cannot write.

Printers read the trim size from TrimBox. cairo writes a classic cross-reference table and one
page object, so inserting the two boxes into that page's dictionary and shifting the byte offsets
that follow is a small, exact edit; a PDF library would re-serialise every stream to do the same.
Anything unexpected (object streams, an xref stream, several pages) leaves the PDF unchanged.
"""

from __future__ import annotations

import re

_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")
_XREF = re.compile(rb"\nxref\n(\d+) (\d+)\n")
_STARTXREF = re.compile(rb"startxref\n(\d+)\n%%EOF\s*$")


def add_boxes(pdf: bytes, trim: tuple[float, float, float, float], bleed: tuple[float, float, float, float]) -> bytes:
    """The PDF with /TrimBox and /BleedBox (in points, PDF coordinates) on its page."""
    pages = _PAGE.findall(pdf)
    xrefs = list(_XREF.finditer(pdf))
    tail = _STARTXREF.search(pdf)
    if len(pages) != 1 or len(xrefs) != 1 or tail is None or b"/XRef" in pdf or b"/TrimBox" in pdf:
        return pdf
    page = _PAGE.search(pdf)
    assert page is not None  # findall found exactly one
    box = lambda b: " ".join(f"{v:.2f}" for v in b)  # noqa: E731
    insert = f" /TrimBox [ {box(trim)} ] /BleedBox [ {box(bleed)} ]".encode("ascii")
    at, delta = page.end(), len(insert)
    xref = xrefs[0]
    count = int(xref.group(2))
    start = xref.end()
    table = pdf[start:start + 20 * count]
    if len(table) != 20 * count:
        return pdf
    entries = []
    for i in range(count):
        row = table[20 * i:20 * (i + 1)]
        offset, gen, kind = int(row[:10]), row[11:16], row[17:18]
        if kind == b"n" and offset > at:
            offset += delta
        entries.append(b"%010d %s %s\r\n" % (offset, gen, kind) if row.endswith(b"\r\n") else b"%010d %s %s \n" % (offset, gen, kind))
    new_start = int(tail.group(1)) + delta
    out = pdf[:at] + insert + pdf[at:start] + b"".join(entries) + pdf[start + 20 * count:tail.start()]
    return out + b"startxref\n%d\n%%%%EOF\n" % new_start
