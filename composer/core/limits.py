"""Every cap Placard puts on untrusted input, in one place (SECURITY.md's table points here).

A spec, and every file it names, comes from an untrusted author. Each limit below bounds the time
or memory one input can cost; together they keep any build within about 30 s and 2 GB.
The modules that enforce a limit import it from here. `generator/` cannot import Placard, so
`generator/procedural.py` and `generator/training/images.py` keep their own copy of
MAX_IMAGE_PIXELS (as MAX_PIXELS); keep the values equal. LoRA training's caps on its image
folder (MAX_IMAGES, MAX_CAPTION in generator/training/images.py) and its option ranges
(generator/training/options.py _LIMITS) stay there for the same reason.
"""

from __future__ import annotations

MIB = 1024 * 1024

# --- the spec (composer/spec/yamlload.py, composer/spec/model.py) ------------------------------
MAX_DOCUMENT_BYTES = 2 * MIB  # a hand-written spec is a few KB; 2 MB leaves room for data
MAX_NODES = 200_000  # YAML values, counting alias expansions, so an alias bomb stops here
MAX_DEPTH = 64  # nesting levels of a spec or a Python dict passed to the API
MAX_TEXT_CHARS = 20_000  # characters in one text element
MAX_ELEMENTS = 2_000  # elements in one spec
MAX_STRING_CHARS = 20_000  # one string anywhere in a spec (a label, a parameter), counted after aliases expand
MAX_SPEC_CHARS = 2 * MIB  # characters in all a spec's strings after aliases expand: no more than the file may hold
MAX_ECHO_CHARS = 200  # a value quoted in an error message is cut to this many characters

# --- the canvas (composer/layout/resolve.py, composer/spec/model.py) ---------------------------
MAX_CANVAS_PIXELS = 100_000_000
MAX_SIDE = 30_000
MIN_DPI = 36
MAX_DPI = 1200

# --- rasters (composer/rasters/assets.py, composer/rasters/paint.py) ---------------------------
MAX_IMAGE_PIXELS = 100_000_000  # 10k x 10k; a decoded RGBA raster of this size is 400 MB
MAX_ASSET_BYTES = 50 * MIB  # any single file or data: URI a spec or an SVG pulls in
MAX_BUILD_PIXELS = 250_000_000  # decoded raster pixels of a whole build, counting every reference (1 GB as RGBA)
MAX_BUILD_ELEMENTS = 300_000  # SVG asset elements drawn in a whole build, after <use> expansion
MIN_LAYER_COST = 4_000_000  # an illustration costs at least this many pixels of the build budget (a layer's fixed cost)
MAX_JPEG_SCANS = 64  # progressive JPEG scans (SOS markers); libjpeg's own default limit is 1000
MAX_PIXELS_PER_BYTE = 20_000  # declared pixels per byte of file, past 1 Mpx: a 34-byte 100 Mpx WebP is a bomb

# --- SVG assets (composer/rasters/assets.py sanitize_svg) --------------------------------------
MAX_SVG_BYTES = 10 * MIB  # also after gunzip for .svgz
MAX_SVG_ELEMENTS = 50_000
MAX_SVG_DEPTH = 200
MAX_SVG_EXPANDED = 100_000  # elements drawn once every <use> is expanded (cairosvg's own cap)
MAX_SVG_PAINT_SERVERS = 1_000  # masks, patterns, filters, clip paths and markers in one SVG
MAX_SVG_DASHES = 64  # numbers in one stroke-dasharray
MAX_SVG_TEXTS = 2_000  # <text>/<tspan> elements in one SVG asset: cairo looks a font up for each
MAX_SVG_COORD = 1e7  # any number in geometry; NaN and infinity are refused
MAX_SVG_DRAW_COST = 100_000_000  # one SVG's drawing cost after <use> expansion: image pixels + SVG_POINT_COST a path point
SVG_POINT_COST = 100  # a path or polygon point costs cairo about as much as 100 image pixels

# --- chart data files (composer/charts/data.py) ------------------------------------------------
MAX_DATA_BYTES = 20 * MIB
MAX_DATA_ROWS = 10_000  # rows of a CSV file or records of a JSON file (a chart of more is unreadable)
MAX_DATA_COLUMNS = 1_000
MAX_DATA_CELLS = 1_000_000  # rows x columns, and values in a JSON file
MAX_DATA_FIELD_CHARS = 131_072  # one CSV cell of a chart's data file (checked by the reader, whatever csv's global limit)
MAX_DATA_DEPTH = 32  # JSON nesting levels
MAX_DATA_NUMBER_DIGITS = 400  # digits in a JSON number literal (a float has ~17 significant ones)
MAX_CHART_CATEGORIES = 1_000  # categories (x values) of one chart: every label is shaped and measured
MAX_QR_PAYLOAD = 2000
MAX_SCALE_MAGNITUDE = 1e300

# --- graphs (composer/charts/graph.py) ---------------------------------------------------------
# grandalf's Sugiyama layout is super-linear in the edges (a dense 100-node graph takes seconds) and
# recursive (a 3,000-node chain overflows the stack); it runs up to 12 times while text shrinks to fit.
MAX_GRAPH_NODES = 150
MAX_GRAPH_EDGES = 300
MAX_GRAPH_CELLS = 2_000  # nodes plus the routing points long edges need, once layered

# --- paths and fonts (composer/core/paths.py, composer/text/fonts.py) ---------------------------
MAX_PATH_CHARS = 1024  # a path a spec names
MAX_FONT_DIR_DEPTH = 8  # folder levels scanned below a fonts folder
MAX_FONT_DIR_FILES = 2_000  # files scanned in one fonts folder tree
MAX_FONT_BYTES = 64 * MIB  # one font file (Noto CJK TTCs are 20-30 MB; system fonts pass this check too)
MAX_FONT_FACES = 64  # faces in one font collection
MAX_FONT_INDEX_ENTRIES = 5_000  # entries the shared font index in the user cache may hold

# --- templates (composer/render/svg.py) --------------------------------------------------------
MAX_ENVS = 16  # template environments kept (an LRU, one per folder)
MAX_TEMPLATE_ITEMS = 1_000_000  # range() steps per build, and the longest sequence `*` may build
MAX_TEMPLATE_BYTES = 1 * MIB  # one template file
MAX_TEMPLATE_PRODUCED = 8 * MIB  # characters and items that expressions produce, per build
MAX_TEMPLATE_NUMBER_BITS = 4096
