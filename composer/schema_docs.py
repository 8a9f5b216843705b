"""Hover text for every key of the spec and brand-file JSON Schemas: what it does, its units, and an example.

Kept in one table (by key name, with `Model.key` entries where a name means something else in one model)
rather than in each pydantic `Field()`, so the models stay readable and the schema test can check that no
key is left without a description.
"""

from __future__ import annotations

from typing import Any

# key -> (description, example). An example of None means: no example (the description says why).
FIELDS: dict[str, tuple[str, Any]] = {
    # --- the spec's top level
    "Spec.data": ("Campaign rows: a CSV (header row), JSON (an array of objects) or JSONL file beside the spec. "
                  "Each row builds one variant per size; `${column}` in any string field takes its value literally.",
                  "products.csv"),
    "Spec.name": ("Each campaign variant's output name (one path segment inside the output folder). "
                  "Default: <spec name>-<row>-<size>.", "${sku}-${size}"),
    "Spec.sizes": ("Layout presets that share slot names: the same slots are rendered into each, every one "
                   "fitted, legibility-checked and linted on its own.", ["social/post", "social/story"]),
    "version": ("The spec format version. Always 1.", 1),
    "title": ("The document title written into PNG, PDF, SVG, JPEG and WebP metadata. Default: the first "
              "headline-like text.", "Summer Product Launch 2026"),
    "alt": ("Alternative text for the image, written into the file metadata and the SVG <desc>. Default: every "
            "text in reading order.", "Poster: Summer Product Launch, 12 June, Harbour Hall"),
    "layout": ("A built-in layout preset (see layouts/) or a path to your own layout YAML file. Its slots are "
               "filled from `slots:`.", "poster/hero-top"),
    "slots": ("Content for the layout's named slots: a string (the slot's text, image src or template text) or a "
              "mapping of the slot element's keys.", {"headline": "Summer Product Launch 2026"}),
    "canvas": ("The page: a preset name (a4, og, story, ...) or a mapping with width, height, dpi, bleed and a "
               "flat background colour.", "a4"),
    "fonts": ("Extra font folders, relative to the spec file (or inside an --allow-dir folder). Their fonts are "
              "found by family name before system fonts.", ["./fonts"]),
    "brand": ("The brand: a path to a brand YAML file (relative to the spec), or the same keys inline: colors, "
              "fonts, font_dirs, logo, lora.", "../../brand/northwind.yaml"),
    "background": ("What paints the canvas under every element: a procedural style, a diffusion model, or a "
                   "photo file.", {"generator": "procedural", "style": "aurora", "seed": 42}),
    "templates": ("A folder of your own Jinja2 SVG templates (NAME.svg.j2), relative to the spec; template "
                  "elements find theirs here first.", "../../templates"),
    "text_mode": ("outline draws every glyph as a path (exact everywhere); live keeps SVG <text> so the text "
                  "stays editable in Figma or Illustrator.", "outline"),
    "legibility": ("How text contrast is kept: auto fixes it (colour, scrim, halo), strict stops the build, "
                   "off leaves it. A mapping also sets the contrast targets.", "auto"),
    "elements": ("The elements, drawn in list order (later ones on top). Each has a `type`.",
                 [{"type": "text", "text": "Hello", "box": {"x": 80, "y": 80, "width": 920, "height": 200}}]),
    "outputs": ("The formats `build` writes when --format is not given: png, pdf, svg, jpeg, webp.", ["png", "pdf"]),
    # --- canvas
    "CanvasSpec.preset": ("A named size: a4, a3, a2, a5, letter, tabloid (300 dpi, print) or instagram-square, "
                          "instagram-portrait, story, og, twitter, linkedin (pixels).", "a4"),
    "CanvasSpec.width": ("Trim width: a number of pixels (1 to 30000) or a length with a unit (mm, cm, in, pt).",
                         1080),
    "CanvasSpec.height": ("Trim height: a number of pixels (1 to 30000) or a length with a unit (mm, cm, in, pt).",
                          1350),
    "CanvasSpec.orientation": ("Swap width and height if needed so the page is portrait or landscape.", "landscape"),
    "dpi": ("Dots per inch (36 to 1200): converts mm, cm, in and pt to pixels. Print specs use 300. Default: 96, "
            "or the preset's.", 300),
    "bleed": ("Extra area on every side for print trimming (pixels or a length). The PDF gets a bleed box and crop "
              "marks outside it.", "3mm"),
    "CanvasSpec.background": ("A flat colour under everything. Given without a `background:` key, the canvas is "
                              "this flat colour.", "#101820"),
    # --- brand
    "name": ("A display name.", "Northwind"),
    "colors": ("Named colours (hex or rgba()). Elements refer to them by name: primary, accent, ink, paper, dark, "
               "or your own.", {"primary": "#0B5FFF", "ink": "#111111", "paper": "#FFFFFF"}),
    "BrandSpec.fonts": ("Font roles: heading and body (and your own), each a family and weight. Text elements "
                        "name a role as font.family.", {"heading": {"family": "Inter", "weight": 800}}),
    "font_dirs": ("Font folders, relative to the brand file, added for every spec of the brand.", ["fonts"]),
    "logo": ("The logo file (relative to the brand file), or {dark, light}: a logo for dark backgrounds and one for "
             "light ones; a layout's logo slot takes the one that suits the pixels under it.",
             {"dark": "logo-dark.svg", "light": "logo-light.svg"}),
    "BrandLogo.dark": ("The logo for dark backgrounds (usually a light mark), relative to the brand file.",
                       "logo-dark.svg"),
    "BrandLogo.light": ("The logo for light backgrounds (usually a dark mark), relative to the brand file.",
                        "logo-light.svg"),
    "lora": ("LoRA adapters for the diffusion model: a .safetensors path and a scale (-4 to 4).",
             [{"path": "adapters/northwind.safetensors", "scale": 0.8}]),
    "path": ("A .safetensors LoRA file, relative to the file that names it.", "adapters/northwind.safetensors"),
    "scale": ("How strongly the adapter applies, -4 to 4 (1 = as trained).", 0.8),
    "BrandFont.family": ("A font family name, from the bundled fonts, a font folder or the system.", "Inter"),
    "BrandFont.weight": ("The weight, 1 to 1000 (400 regular, 700 bold, 800 extra bold).", 800),
    "BrandFont.style": ("normal or italic.", "normal"),
    # --- background
    "generator": ("Which generator paints it: procedural (seeded, no model) or diffusion (a local diffusers "
                  "model).", "procedural"),
    "BackgroundSpec.style": ("A procedural style. flat paints the canvas (or the brand's paper) colour.", "aurora"),
    "prompt": ("What the diffusion model should paint (diffusion only).", "sunrise over a calm bay, soft light"),
    "negative_prompt": ("What the diffusion model should avoid (diffusion only).", "text, letters"),
    "model": ("A local diffusers folder (relative to the spec) or a model id already in the local cache. Default: "
              "--model or PLACARD_MODEL.", "./models/sd-turbo"),
    "seed": ("The random seed: the same spec and seed give the same pixels.", 42),
    "steps": ("Denoising steps, 1 to 200 (diffusion). Default: the model's own.", 4),
    "guidance": ("Classifier-free guidance scale, 0 to 50 (diffusion). 0 turns it off (turbo models).", 0.0),
    "scheduler": ("The diffusion sampler. Default: the model's own.", "euler_a"),
    "text_aware": ("Keep the areas under text boxes calm, so the text stays readable (the cache key then includes "
                   "the text boxes).", True),
    "init_image": ("A picture to start from (image-to-image), relative to the spec.", "assets/sketch.png"),
    "strength": ("How far image-to-image departs from init_image, above 0 up to 1.", 0.6),
    "BackgroundSpec.image": ("A photo file used as the background instead of a generator, relative to the spec.",
                             "assets/harbour.jpg"),
    "BackgroundSpec.fit": ("How the photo fills the canvas: cover crops, contain pads, fill stretches.", "cover"),
    "calm_strength": ("How strongly the text areas are calmed during generation, 0 to 1 (diffusion).", 0.6),
    "calm_until": ("The fraction of denoising steps (above 0 up to 1) during which text areas are calmed.", 0.5),
    "attention_scale": ("How much attention to the prompt is damped inside text areas, 0 to 1 (diffusion).", 0.3),
    "revision": ("A model revision (git branch, tag or commit) in the local cache.", "main"),
    # --- legibility mapping
    "policy": ("auto fixes low contrast (colour, scrim, halo); strict stops the build; off leaves text as given.",
               "auto"),
    "body": ("The WCAG contrast target for body text, 1 to 21 (WCAG AA: 4.5).", 4.5),
    "large": ("The WCAG contrast target for large text (24 px and up, or 18.7 px bold), 1 to 21 (WCAG AA: 3).", 3.0),
    # --- element keys every element has
    "type": ("The element kind; its other keys depend on it.", "text"),
    "id": ("A name for the element, used in the build report and error messages. Default: kind and index.",
           "headline"),
    "slot": ("The layout slot this element fills (in layout files).", "headline"),
    "opacity": ("Opacity, 0 (invisible) to 1 (opaque).", 1.0),
    "box": ("Where the element sits: x, y, width and height in canvas pixels, or strings with units or %.",
            {"x": 80, "y": 80, "width": 920, "height": 260}),
    # --- box
    "x": ("Left edge: pixels from the canvas (or group) left, or a length such as \"10mm\" or \"5%\".", 80),
    "y": ("Top edge: pixels from the canvas (or group) top, or a length such as \"10mm\" or \"5%\".", 80),
    "BoxSpec.width": ("Width, greater than 0: pixels, or a length such as \"60mm\" or \"50%\".", 920),
    "BoxSpec.height": ("Height, greater than 0: pixels, or a length such as \"40mm\" or \"25%\".", 260),
    # --- text
    "text": ("The text. Markup: **bold**, *italic*, [colour]{primary} spans; \\n breaks a line.",
             "Summer **Product** Launch"),
    "font": ("The font: family (or a brand role: heading, body), weight, style, and size in pixels or auto.",
             {"family": "heading", "weight": 800, "size": "auto"}),
    "color": ("A colour: hex, rgb()/rgba(), a brand colour name, or auto (the best contrast with the pixels "
              "below).", "#FFFFFF"),
    "align": ("Horizontal alignment in the box.", "left"),
    "valign": ("Vertical alignment in the box.", "top"),
    "line_height": ("Line spacing as a multiple of the font size (above 0 up to 10).", 1.2),
    "letter_spacing": ("Extra space between letters, in em (-0.5 to 2; 0.1 = a tenth of the size).", 0.05),
    "transform": ("Change the case before setting the text.", "uppercase"),
    "wrap": ("normal breaks lines greedily; balance evens out line lengths; none keeps one line.", "balance"),
    "max_lines": ("At most this many lines (1 or more); more is an overflow.", 2),
    "overflow": ("What happens when the text does not fit: error stops the build; ellipsis cuts it with … and "
                 "warns.", "error"),
    "markup": ("Read **bold**, *italic* and {colour} spans in the text (false: every character is literal).", True),
    "lang": ("The BCP 47 language of the text (shaping, line breaking, quotes). Default: detected.", "de"),
    "direction": ("The text direction. auto follows the first strong character (Unicode bidi).", "auto"),
    "smart_quotes": ("Turn straight quotes and apostrophes into the language's typographic ones; -- and --- into "
                     "dashes.", True),
    "optical_margin": ("Hang quotes, hyphens, periods and commas into the margin. Default: on at 32 px and above.",
                       True),
    "TextElement.text_mode": ("Overrides the spec's text_mode for this element: outline or live.", "live"),
    "TextElement.legibility": ("Overrides the spec's legibility policy for this element: auto, strict or off.",
                               "strict"),
    "contrast_target": ("The WCAG contrast ratio (1 to 21) this text must reach. Default: 4.5 body, 3 large.", 4.5),
    # --- font
    "family": ("A font family, or a brand role (heading, body).", "Inter"),
    "weight": ("The weight, 1 to 1000 (400 regular, 700 bold).", 700),
    "style": ("normal or italic.", "italic"),
    "size": ("The size: pixels, a length such as \"24pt\", or auto (the largest that fits the box).", 48),
    "min_size": ("With size: auto, the smallest size allowed (pixels or a length).", 24),
    "max_size": ("The largest size allowed (pixels or a length); with size: auto, where the search starts.", 120),
    "features": ("OpenType features on or off, or a value (alternates).", {"liga": True, "tnum": True, "ss01": 1}),
    # --- image, rect, line, illustration, template, group
    "src": ("The file: PNG, JPEG, WebP or SVG, relative to the spec (or inside an --allow-dir folder). In a "
            "layout's logo slot, default: the brand logo.", "assets/logo.png"),
    "fit": ("How the image fills its box: contain keeps it whole, cover crops, fill stretches.", "contain"),
    "radius": ("Corner radius in pixels (0 or more).", 20),
    "ImageElement.alt": ("Alternative text for this image (PDF tags, SVG <title>).", "Northwind logo"),
    "fill": ("The fill: a colour, a brand colour name, or a gradient {type, angle, stops}.",
             "rgba(255,255,255,0.14)"),
    "stroke": ("The outline colour.", "ink"),
    "stroke_width": ("The outline width in pixels (0 or more; 0 = none).", 2),
    "points": ("Two or more [x, y] points: pixels or lengths with units.", [[80, 600], [1000, 600]]),
    "LineElement.width": ("The line width in pixels (above 0).", 4),
    "dash": ("A dash pattern in pixels: dash, gap, ...", [12, 8]),
    "cap": ("How the line ends: butt, round or square.", "round"),
    "IllustrationElement.style": ("A procedural style for the illustration's motif.", "geometric"),
    "IllustrationElement.generator": ("Which generator paints it. Default: diffusion when there is a prompt and "
                                      "a model, else procedural.", "diffusion"),
    "blend": ("How the illustration meets the background: none, feather (soft edges), rounded corners, or inpaint "
              "(diffusion paints it into the background).", "feather"),
    "IllustrationElement.radius": ("Corner radius in pixels for blend: rounded (0 or more).", 24),
    "template": ("A template name: NAME.svg.j2 in the spec's templates folder, or a built-in one (badge, "
                 "ribbon, ...).", "badge"),
    "params": ("Values the template reads as params.NAME (text, fill, color, size, ...).",
               {"text": "Book now", "fill": "accent"}),
    "GroupElement.box": ("The group's box; its children's boxes are relative to it. Default: the canvas.",
                         {"x": 80, "y": 900, "width": 920, "height": 300}),
    "GroupElement.elements": ("The group's children, drawn in order; their boxes are relative to the group's.",
                              [{"type": "rect", "box": {"width": 100, "height": 100}, "fill": "accent"}]),
    # --- gradients
    "Gradient.type": ("linear or radial.", "linear"),
    "angle": ("The direction of a linear gradient in degrees (90 runs top to bottom).", 90),
    "stops": ("Two or more colours, or {color, offset, opacity} stops.", ["#0B5FFF", "#7B61FF"]),
    "cx": ("The centre of a radial gradient, as a fraction of the box width (0 to 1).", 0.5),
    "cy": ("The centre of a radial gradient, as a fraction of the box height (0 to 1).", 0.5),
    "r": ("The radius of a radial gradient, as a fraction of the box (above 0 up to 2).", 0.5),
    "offset": ("Where the stop sits along the gradient, 0 to 1. Default: evenly spaced.", 0.5),
    "GradientStop.opacity": ("The stop's opacity, 0 to 1.", 1.0),
    "GradientStop.color": ("The stop's colour (hex, rgba() or a brand colour name).", "primary"),
    # --- infographic theme keys
    "ink": ("The colour of the chart's text and labels. Default: chosen for contrast with the pixels below.",
            "#FFFFFF"),
    "muted": ("The colour of secondary labels (axes, captions).", "rgba(255,255,255,0.7)"),
    "grid": ("The colour of gridlines and tracks.", "rgba(255,255,255,0.2)"),
    "paper": ("The colour the chart treats as its background (panels, gaps).", "paper"),
    "positive": ("The colour for good changes (a rising delta, a check mark).", "#1E9E5A"),
    "negative": ("The colour for bad changes (a falling delta, a cross mark).", "#D64545"),
    "text_size": ("The base label size in pixels (above 0 up to 400). Default: scaled to the box.", 22),
    "min_text_size": ("The smallest label size in pixels (above 0 up to 400).", 12),
    # --- chart data
    "categories": ("The category labels along the axis.", ["Q1", "Q2", "Q3", "Q4"]),
    "series": ("The data series: each a name, values (one per category) and an optional colour.",
               [{"name": "Revenue", "values": [12, 15, 19, 24]}]),
    "data": ("The data: a CSV or JSON file relative to the spec, a list of rows, or a mapping of columns.",
             "data/sales.csv"),
    "BarChartElement.x": ("The data column with the categories (labels).", "month"),
    "BarChartElement.y": ("The data column(s) with the values.", ["revenue", "cost"]),
    "BarChartElement.colors": ("Colours by series name.", {"Revenue": "primary"}),
    "LineChartElement.x": ("The data column with the categories (labels).", "month"),
    "LineChartElement.y": ("The data column(s) with the values.", ["visitors", "signups"]),
    "LineChartElement.colors": ("Colours by series name.", {"Visitors": "primary"}),
    "legend": ("Show a legend: true, false, or auto (when there are two or more series).", "auto"),
    "axis": ("Draw the value axis and its labels.", True),
    "gridlines": ("Draw gridlines.", True),
    "format": ("How numbers print: plain, percent, currency, compact, or a mapping (style, decimals, currency, "
               "locale, prefix, suffix).", {"style": "currency", "currency": "EUR", "decimals": 0}),
    "min": ("The lowest value on the axis. Default: from the data (0 for bars).", 0),
    "max": ("The highest value on the axis. Default: from the data.", 100),
    "orientation": ("Bars up (vertical) or across (horizontal).", "horizontal"),
    "mode": ("Several series side by side (grouped) or on top of each other (stacked).", "stacked"),
    "value_labels": ("Print each bar's value.", True),
    "gap": ("The gap between bars as a fraction of the slot (0 up to 1).", 0.25),
    "BarChartElement.radius": ("The bars' corner radius in pixels (0 or more).", 3),
    "markers": ("Draw a marker on each point.", True),
    "marker_size": ("The marker diameter in pixels (above 0). Default: scaled to the line width.", 8),
    "line_width": ("The line width in pixels (above 0).", 3),
    "zero_baseline": ("Start the value axis at 0. Default: for area charts.", True),
    "annotate": ("Points to call out: {series, at (a category) or index, text}.", {"at": "Q4", "text": "Record"}),
    "area_opacity": ("The fill opacity under an area chart's lines, 0 to 1.", 0.25),
    "Series.name": ("The series name, shown in the legend.", "Revenue"),
    "values": ("One value per category; null leaves a gap.", [12, 15, None, 24]),
    "Series.color": ("The series colour. Default: the brand's hues first, then a distinguishable palette.",
                     "primary"),
    "Annotation.series": ("The series the point belongs to. Default: the first.", "Revenue"),
    "at": ("The category of the point.", "Q4"),
    "index": ("The point's index (0 = the first category), instead of `at`.", 3),
    "Annotation.text": ("The call-out text.", "Record quarter"),
    # --- stat
    "value": ("The number (or a string printed as is).", 82),
    "label": ("The caption under the value.", "of users return weekly"),
    "delta": ("A change to show beside the value (sign decides the arrow).", 4.5),
    "delta_format": ("How the delta prints (same forms as format).", "percent"),
    "delta_label": ("Text after the delta.", "vs last year"),
    "delta_good": ("Which direction of change is good (green): up or down.", "up"),
    "StatElement.align": ("Horizontal alignment of the value and label.", "center"),
    "StatElement.color": ("The value's colour. Default: the brand's primary colour if readable, else auto.",
                          "primary"),
    "StatElement.max_size": ("The largest size of the value in pixels (above 0). Default: as large as fits the box.",
                             160),
    # --- donut / pie
    "slices": ("The slices: each a name, a value and an optional colour.",
               [{"name": "Direct", "value": 52}, {"name": "Search", "value": 31}]),
    "DonutElement.x": ("The data column with the slice names.", "channel"),
    "DonutElement.y": ("The data column with the slice values.", "visits"),
    "hole": ("The hole's radius as a fraction of the outer radius (0 up to 1; 0 = a pie).", 0.6),
    "labels": ("What each slice's label shows.", "name_percent"),
    "center": ("A value printed in the hole.", "52%"),
    "center_label": ("A caption under the centre value.", "direct"),
    "Slice.name": ("The slice name.", "Direct"),
    "Slice.value": ("The slice value (any scale; shares are computed).", 52),
    "Slice.color": ("The slice colour. Default: the brand's hues first.", "primary"),
    # --- progress
    "ProgressElement.value": ("The progress value, out of max.", 72),
    "ProgressElement.max": ("The value that means complete (above 0).", 100),
    "shape": ("A bar or a ring.", "ring"),
    "ProgressElement.label": ("A caption beside the bar or under the ring.", "funded"),
    "track": ("The colour of the unfilled part.", "rgba(255,255,255,0.2)"),
    "thickness": ("The bar height or ring width in pixels (above 0). Default: scaled to the box.", 16),
    "rounded": ("Round the ends.", True),
    # --- icons
    "IconElement.name": ("A bundled (Lucide) icon name.", "rocket"),
    "IconElement.color": ("The icon's colour. Default: primary.", "primary"),
    "IconElement.background": ("A disc behind the icon in this colour. Default: none.", "paper"),
    "items": ("The list items: each an icon, a title and short text.",
              [{"icon": "rocket", "title": "Fast", "text": "Builds in 200 ms"}]),
    "columns": ("The number of columns, 1 to 12.", 2),
    "icon_size": ("The icon size in pixels (above 0). Default: scaled to the row.", 48),
    "disc": ("Draw a disc behind each icon.", True),
    "single_color": ("Draw every item in the primary colour (false: cycle through the palette).", True),
    "icon": ("A bundled (Lucide) icon name.", "rocket"),
    "IconItem.title": ("The item's title.", "Fast"),
    "IconItem.text": ("The item's short text.", "Builds in 200 ms"),
    "IconItem.color": ("The item's colour. Default: primary (or the palette with single_color: false).", "accent"),
    # --- timeline
    "TimelineElement.orientation": ("Events along a horizontal or a vertical axis.", "vertical"),
    "events": ("The events: each a date, a title, text and an optional colour.",
               [{"date": "2024", "title": "Founded"}, {"date": "2026", "title": "Series A"}]),
    "alternate": ("Put labels on alternate sides of the axis: true, false, or auto (when they would crowd).",
                  "auto"),
    "date": ("The event's date or label (any text or number).", "March 2026"),
    "Event.title": ("The event's title.", "Launch"),
    "Event.text": ("The event's short text.", "Public release"),
    "Event.color": ("The event's colour.", "accent"),
    # --- process
    "ProcessElement.layout": ("Steps in a row, a column, or a snake (rows that turn).", "row"),
    "ProcessElement.columns": ("Steps per row for the snake layout, 1 to 12.", 3),
    "ProcessElement.steps": ("The steps: strings, or {title, text, icon, color}.", ["Write the spec", "Build", "Ship"]),
    "badge_size": ("The numbered badge's diameter in pixels (above 0). Default: scaled to the box.", 56),
    "connector_color": ("The colour of the connectors between steps.", "muted"),
    "Step.title": ("The step's title.", "Build"),
    "Step.text": ("The step's short text.", "python -m composer build"),
    "Step.icon": ("A bundled icon in the badge instead of the number.", "hammer"),
    "Step.color": ("The step's colour.", "primary"),
    # --- graph
    "GraphElement.direction": ("Which way edges run: TB (top to bottom) or LR (left to right).", "LR"),
    "nodes": ("The nodes: ids, or {id, label, group, color}.", ["web", {"id": "db", "label": "Postgres"}]),
    "edges": ("The edges: \"a -> b\" strings, or {from, to, label}.", ["web -> api", {"from": "api", "to": "db"}]),
    "groups": ("Boxes around nodes of the same group: {id, label}.", [{"id": "backend", "label": "Backend"}]),
    "node_fill": ("The nodes' fill colour.", "primary"),
    "node_text": ("The nodes' label colour. Default: the best contrast with node_fill.", "#FFFFFF"),
    "edge_color": ("The edges' colour.", "muted"),
    "GraphElement.radius": ("The nodes' corner radius in pixels (0 or more).", 12),
    "node_max_em": ("The widest a node may grow, in em of its label size (above 0).", 10),
    "Node.id": ("The node id, used by edges.", "api"),
    "Node.label": ("The node's label. Default: its id.", "API server"),
    "Node.group": ("The group id the node belongs to.", "backend"),
    "Node.color": ("The node's fill colour.", "accent"),
    "from": ("The id of the node the edge starts at.", "web"),
    "to": ("The id of the node the edge ends at.", "api"),
    "Edge.label": ("A label on the edge.", "HTTPS"),
    "Group.id": ("The group id nodes refer to.", "backend"),
    "Group.label": ("The group's caption. Default: its id.", "Backend"),
    # --- table
    "TableElement.columns": ("The columns: titles, or {title, key, align, format}. Default: the data's keys.",
                             ["Plan", {"title": "Price", "format": "currency"}]),
    "rows": ("The rows: lists of cells in column order, or mappings by column key. true/false print as check and "
             "cross marks.", [["Free", 0, True], ["Pro", 12, True]]),
    "marks": ("Print true and false as check and cross marks.", True),
    "zebra": ("Shade every other row.", True),
    "zebra_fill": ("The shaded rows' colour.", "rgba(255,255,255,0.06)"),
    "header_fill": ("The header row's fill.", "primary"),
    "header_text": ("The header row's text colour. Default: the best contrast with header_fill.", "#FFFFFF"),
    "TableElement.radius": ("The table's corner radius in pixels (0 or more).", 8),
    "Column.title": ("The column's header text.", "Price"),
    "key": ("The row key this column reads (mapping rows). Default: the title.", "price"),
    "Column.align": ("The column's alignment. Default: right for numbers, else left.", "right"),
    "Column.format": ("How the column's numbers print (same forms as format).", "currency"),
    # --- qr
    "QrElement.data": ("The QR code's payload (any text, at most 2000 characters).", "WIFI:S:Guest;T:WPA;P:secret;;"),
    "url": ("A URL to encode (printed nowhere; nothing is fetched).", "https://northwind.example/spring"),
    "QrElement.text": ("Text to encode.", "Hello"),
    "error": ("Error correction: l (7%), m (15%), q (25%), h (30%).", "m"),
    "QrElement.color": ("The modules' colour. Default: ink.", "ink"),
    "QrElement.background": ("The light modules' colour. Default: paper.", "paper"),
    "border": ("The quiet zone in modules, 0 to 20 (4 is the standard).", 4),
    "snap": ("Snap modules to whole pixels so scanners read the code crisply.", True),
    # --- stacks (flex layout) and typography switches
    "flex": ("Inside a stack: how this element takes the stack's room (grow, shrink, basis, min, max, align).",
             {"grow": 1}),
    "FlexItem.grow": ("How much of the stack's free room this element takes, as a weight (0 to 1000; 0 = none).", 1),
    "FlexItem.shrink": ("How much this element gives up when the stack is too small, as a weight (0 to 1000). "
                        "Default 0: unlike CSS, a size you give is kept.", 0),
    "FlexItem.basis": ("The starting size on the stack's axis (pixels or a length), before growing or shrinking. "
                       "Default: the element's own size.", 120),
    "FlexItem.min": ("The smallest size on the stack's axis (pixels or a length).", 60),
    "FlexItem.max": ("The largest size on the stack's axis (pixels or a length).", 400),
    "FlexItem.align": ("This element's own cross-axis alignment: auto (the stack's align), start, center, end or "
                       "stretch.", "center"),
    "StackElement.box": ("The stack's box. Outermost stacks need one; a nested stack is sized by its parent.",
                         {"x": 64, "y": 560, "width": 952, "height": 726}),
    "StackElement.direction": ("The stack's main axis: column (top to bottom) or row (left to right).", "column"),
    "StackElement.gap": ("The space between children (pixels or a length, 0 or more).", 18),
    "StackElement.padding": ("Space inside the stack's box: one length, [vertical, horizontal] or [top, right, "
                             "bottom, left].", [56, 56, 44, 56]),
    "StackElement.align": ("Cross-axis alignment of the children: start, center, end or stretch.", "stretch"),
    "StackElement.justify": ("Main-axis distribution of the children: start, center, end, space-between, "
                             "space-around or space-evenly.", "start"),
    "StackElement.fill": ("A panel drawn behind the stack's box: a colour, a brand colour name or a gradient.",
                          "rgba(255,255,255,0.92)"),
    "StackElement.elements": ("The stack's children, in order along its axis; they have no x/y (the stack places "
                              "them) and their box width/height may be auto.",
                              [{"type": "text", "slot": "headline", "font": {"size": "auto"}}]),
    "hyphenate": ("Break long words at hyphenation points: auto (on for body text up to 48 px at 96 dpi, off for "
                  "headlines), true or false.", "auto"),
    "glyph_scaling": ("With align: justify, glyphs may also be scaled 98-102% to even the spacing.", False),
    # --- number format
    "NumberFormat.style": ("plain, percent (of a 0-100 number), currency or compact (12.5k).", "currency"),
    "decimals": ("Digits after the decimal point, 0 to 10. Default: as needed.", 1),
    "currency": ("An ISO 4217 code for style: currency.", "EUR"),
    "locale": ("A locale for separators and symbols (Babel). Default: en.", "de_DE"),
    "prefix": ("Text before the number.", "~"),
    "suffix": ("Text after the number.", " users"),
    "separators": ("Group thousands (1,234).", True),
}


def describe(model: str, key: str) -> tuple[str, Any] | None:
    """The (description, example) for `key` of `model`: its own entry first, then the key's general one."""
    return FIELDS.get(f"{model}.{key}") or FIELDS.get(key)
