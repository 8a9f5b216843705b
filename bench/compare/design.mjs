// The benchmark poster (bench/poster.yaml) as satori element objects and as HTML.
// Boxes are the spec's canvas pixels; font sizes are the ones Placard resolved for `size: auto`
// (its build report), because neither satori nor CSS can fit text to a box by themselves.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const HERE = dirname(fileURLToPath(import.meta.url));
export const FONT_DIR = join(HERE, "..", "..", "composer", "fonts", "inter");
export const FONTS = [
  { name: "Inter", weight: 400, style: "normal", file: "Inter-Regular.otf" },
  { name: "Inter", weight: 700, style: "normal", file: "Inter-Bold.otf" },
  { name: "Inter", weight: 800, style: "normal", file: "Inter-ExtraBold.otf" },
];
export const WIDTH = 1080;
export const HEIGHT = 1350;

const DARK = "10,20,48";
const PAPER = "#FFFFFF";
const ACCENT = "#FFB000";
const CARD = "rgba(255,255,255,0.14)";

/** Font buffers for satori, read once per process. */
export function loadFonts() {
  return FONTS.map((f) => ({ name: f.name, weight: f.weight, style: f.style, data: readFileSync(join(FONT_DIR, f.file)) }));
}

/** The design as a flat list of absolutely placed blocks: one source for both engines. */
function blocks() {
  const text = (id, x, y, w, content, size, weight, color, lineHeight, extra = {}) =>
    ({ kind: "text", id, x, y, w, content, style: { fontSize: size, fontWeight: weight, color, lineHeight, ...extra } });
  const rect = (x, y, w, h, background, radius = 0) => ({ kind: "rect", x, y, w, h, style: { background, borderRadius: radius } });
  const out = [
    rect(0, 0, WIDTH, HEIGHT, `linear-gradient(to bottom, rgba(${DARK},0.15), rgba(${DARK},0.85))`),
    text("headline", 80, 90, 920, "The Coast Is Clear: Summer Trails 2026", 107.75, 800, PAPER, 1.02, { textWrap: "balance" }),
    text("paragraph", 80, 450, 860, "Forty kilometres of new coastal paths open this June, with ranger-led walks every weekend, " +
      "bike rental at each trailhead and free shuttles back to town. Bring water, good shoes and a camera.", 34, 400, PAPER, 1.35),
  ];
  const stats = [["40 km", 77.11, "of new trails"], ["12", 80, "ranger walks a month"], ["Free", 80, "shuttle back to town"]];
  stats.forEach(([big, size, label], i) => {
    const x = 80 + 315 * i;
    out.push(rect(x, 860, 290, 260, CARD, 24));
    out.push(text(`stat${i + 1}`, x + 24, 890, 242, big, size, 800, ACCENT, 1.2));
    out.push(text(`label${i + 1}`, x + 24, 1010, 242, label, 30, 400, PAPER, 1.2));
  });
  out.push(rect(79, 1189, 922, 2, "rgba(255,255,255,0.4)", 1));
  out.push(text("footer", 80, 1215, 920, "coast.example/trails · Visitor centre open daily 9–17", 28, 700, PAPER, 1.2));
  return out;
}

/** satori element objects (no JSX): a 1080×1350 root with the background image and every block. */
export function satoriTree(backgroundUri) {
  const children = [
    { type: "img", props: { src: backgroundUri, width: WIDTH, height: HEIGHT, style: { position: "absolute", left: 0, top: 0 } } },
  ];
  for (const b of blocks()) {
    const base = { position: "absolute", left: b.x, top: b.y, width: b.w };
    if (b.kind === "rect") {
      children.push({ type: "div", props: { style: { ...base, height: b.h, display: "flex", ...b.style } } });
    } else {
      children.push({ type: "div", props: { style: { ...base, display: "flex", fontFamily: "Inter", ...b.style }, children: b.content } });
    }
  }
  return { type: "div", props: { style: { display: "flex", position: "relative", width: WIDTH, height: HEIGHT }, children } };
}

const css = (style) => Object.entries(style).map(([k, v]) => {
  const prop = k.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
  const unitless = ["fontWeight", "lineHeight"].includes(k);
  return `${prop}:${typeof v === "number" && !unitless ? v + "px" : v}`;
}).join(";");

/** The same design as one HTML document, fonts and background inlined as data URIs. */
export function html(backgroundUri, fontUris) {
  const faces = FONTS.map((f, i) =>
    `@font-face{font-family:Inter;font-weight:${f.weight};font-style:normal;src:url(${fontUris[i]}) format("opentype")}`).join("\n");
  const body = blocks().map((b) => {
    const pos = `position:absolute;left:${b.x}px;top:${b.y}px;width:${b.w}px;` + (b.kind === "rect" ? `height:${b.h}px;` : "");
    return `<div style="${pos}${css(b.style)}">${b.kind === "text" ? b.content : ""}</div>`;
  }).join("\n");
  return `<!doctype html><html><head><meta charset="utf-8"><style>
${faces}
html,body{margin:0;padding:0;width:${WIDTH}px;height:${HEIGHT}px;overflow:hidden}
body{position:relative;font-family:Inter;-webkit-font-smoothing:antialiased}
</style></head><body>
<img src="${backgroundUri}" width="${WIDTH}" height="${HEIGHT}" style="position:absolute;left:0;top:0">
${body}
</body></html>`;
}

// ---------------------------------------------------------------- any suite design (--scene)
// bench/compare_scene.py writes a design's blocks (rect, text, image) in canvas pixels, with the
// font files Placard used and its line breaks; the two functions below draw them like the above.

const mimeOf = (b) => b.mime;

/** Font buffers for satori from a scene: one family name per font file. */
export function loadSceneFonts(scene) {
  return scene.fonts.map((f) => ({ name: f.name, weight: 400, style: "normal", data: readFileSync(f.path) }));
}

/** satori element objects for a scene; `uri(path, mime)` inlines its files. */
export function sceneTree(scene, uri) {
  const children = [];
  if (scene.background) {
    children.push({ type: "img", props: { src: uri(scene.background, "image/png"), width: scene.width, height: scene.height,
      style: { position: "absolute", left: 0, top: 0 } } });
  }
  for (const b of scene.blocks) {
    const base = { position: "absolute", left: b.x, top: b.y, width: b.w };
    if (b.kind === "rect") {
      children.push({ type: "div", props: { style: { ...base, height: b.h, display: "flex", ...b.style } } });
    } else if (b.kind === "image") {
      children.push({ type: "img", props: { src: uri(b.src, mimeOf(b)), width: b.w, height: b.h,
        style: { ...base, height: b.h, objectFit: b.fit, borderRadius: b.radius } } });
    } else {
      children.push({ type: "div", props: { style: { ...base, display: "flex", ...b.style }, children: b.content } });
    }
  }
  return { type: "div", props: { style: { display: "flex", position: "relative", width: scene.width, height: scene.height,
    background: scene.color }, children } };
}

/** The scene as one HTML document, fonts and images inlined as data URIs. */
export function sceneHtml(scene, uri) {
  const faces = scene.fonts.map((f) =>
    `@font-face{font-family:${f.name};font-weight:400;font-style:normal;src:url(${uri(f.path, "font/otf")})}`).join("\n");
  const body = scene.blocks.map((b) => {
    const pos = `position:absolute;left:${b.x}px;top:${b.y}px;width:${b.w}px;` + (b.kind === "text" ? "" : `height:${b.h}px;`);
    if (b.kind === "image") {
      return `<img src="${uri(b.src, mimeOf(b))}" style="${pos}object-fit:${b.fit};border-radius:${b.radius}px">`;
    }
    return `<div style="${pos}${css(b.style)}">${b.kind === "text" ? b.content.replace(/&/g, "&amp;").replace(/</g, "&lt;") : ""}</div>`;
  }).join("\n");
  const bg = scene.background
    ? `<img src="${uri(scene.background, "image/png")}" width="${scene.width}" height="${scene.height}" style="position:absolute;left:0;top:0">`
    : "";
  return `<!doctype html><html><head><meta charset="utf-8"><style>
${faces}
html,body{margin:0;padding:0;width:${scene.width}px;height:${scene.height}px;overflow:hidden;background:${scene.color}}
body{position:relative;-webkit-font-smoothing:antialiased}
</style></head><body>
${bg}
${body}
</body></html>`;
}
