// Placard preview page: follows the server's build events, swaps the poster in place, draws overlays.
"use strict";
const $ = (id) => document.getElementById(id);
const TOKEN = new URLSearchParams(location.search).get("token") || "";
const withToken = (url) => TOKEN ? url + (url.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(TOKEN) : url;
const SVG = "http://www.w3.org/2000/svg";
const view = { zoom: "fit", scale: 1, overlays: new Set() };
let current = null;   // the state whose poster is shown
let latest = 0;       // the newest build number seen (a stale event never wins)
let shown = 0;        // build id of the poster on screen

window.placard = { shown: 0, shownAt: 0, build: 0 };  // read by the end-to-end test and bench/preview.py

function connect() {
  const events = new EventSource(withToken("events"));
  events.onmessage = (msg) => apply(JSON.parse(msg.data));
  events.onerror = () => { $("status").textContent = "reconnecting…"; };
}

function apply(state) {
  if (state.build < latest) return;
  latest = state.build;
  window.placard.build = state.build;
  document.body.dataset.build = state.build;
  showError(state);
  showCampaign(state);
  if (state.ok && state.shown > shown) {
    const want = state.shown;
    const img = new Image();
    img.alt = $("poster").alt;
    img.src = state.png;
    img.decode().then(() => {
      if (want <= shown) return;        // a newer poster arrived while this one decoded
      shown = want;
      img.id = "poster";
      $("poster").replaceWith(img);     // the decoded image replaces the old one: no reload, no flash
      current = state;
      window.placard.shown = want;
      window.placard.shownAt = Date.now();
      window.placard.startedAt = state.started_at;
      window.placard.seconds = state.seconds;
      document.body.dataset.shown = want;
      layout();
      showSide(state);
      status(state);
    }).catch(() => { $("status").textContent = "could not decode build " + want; });
  } else {
    if (state.ok) current = state;
    status(state);
    if (current) showSide(current);
  }
}

function status(state) {
  const secs = current && current.seconds != null ? ` · ${Math.round(current.seconds * 1000)} ms` : "";
  $("status").textContent = `build ${state.build}` + (state.ok ? secs : " · error");
  for (const f of ["png", "pdf", "svg"]) {
    const a = $("dl-" + f), url = current && current.downloads[f];
    if (url) { a.href = url; a.removeAttribute("aria-disabled"); } else { a.removeAttribute("href"); a.setAttribute("aria-disabled", "true"); }
  }
}

function showError(state) {
  const box = $("error");
  $("frame").classList.toggle("stale", !state.ok);
  box.hidden = state.ok;
  document.body.dataset.ok = state.ok;
  if (state.ok) return;
  $("error-line").textContent = state.error || "error";
  const src = state.source;
  if (src) {
    const gutter = `${src.line} | `;
    $("error-source").textContent = gutter + src.text + "\n" + " ".repeat(gutter.length + Math.max(0, src.column - 1)) + "^";
  } else {
    $("error-source").textContent = "";
  }
  if (!current) layout();
}

function showSide(state) {
  const warnings = state.warnings || [];
  $("warning-count").textContent = warnings.length ? `(${warnings.length})` : "";
  $("warnings").replaceChildren(...(warnings.length ? [] : [item("none", "none")]), ...warnings.map((w) => {
    const where = [w.file, w.line, w.column].filter((v) => v != null).join(":");
    return item("warning", `warning: ${where ? where + ": " : ""}${w.path ? w.path + ": " : ""}${w.message}`, w.code);
  }));
  const lint = (state.overlay && state.overlay.lint) || [];
  $("lint-count").textContent = lint.length ? `(${lint.length})` : "";
  $("lint").replaceChildren(...(lint.length ? [] : [item("none", "no findings")]), ...lint.map((p, i) =>
    item(p.severity, `${i + 1}. ${p.element ? p.element + ": " : ""}${p.message}` + (p.fix ? ` (fix: ${p.fix})` : ""), p.code)));
  $("page-toggle").hidden = !(state.overlay && state.overlay.canvas.bleed > 0);
}

function item(kind, text, code) {
  const li = document.createElement("li");
  li.className = kind;
  if (code) { const c = document.createElement("code"); c.textContent = code + " "; li.append(c); }
  li.append(text);
  return li;
}

function showCampaign(state) {
  const c = state.campaign;
  $("campaign").hidden = !c;
  if (!c) return;
  const select = $("size");
  if (select.options.length !== c.sizes.length + 1) {
    select.replaceChildren(new Option("spec's own", ""), ...c.sizes.map((s) => new Option(s, s)));
  }
  if (c.rows) $("row").max = c.rows;
}

function choose() {  // the one call that asks for another size or data row
  fetch(withToken("select"), { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ size: $("size").value || null, row: $("row").value || null }) });
}

// Geometry: the frame shows the canvas (or, in page view, the PDF page with bleed and slug).
function geometry() {
  const c = current ? current.overlay.canvas : { width: 1080, height: 1350, bleed: 0, dpi: 96, safe: 0 };
  const page = view.overlays.has("page") && c.bleed > 0;
  const pad = page ? c.bleed + 8 / 25.4 * c.dpi : 0;
  return { c, page, pad, w: c.width + 2 * pad, h: c.height + 2 * pad };
}

function layout() {
  const g = geometry(), stage = $("stage");
  if (view.zoom === "fit") view.scale = Math.min((stage.clientWidth - 32) / g.w, (stage.clientHeight - 32) / g.h);
  else if (view.zoom !== "custom") view.scale = Number(view.zoom);
  const s = view.scale, frame = $("frame"), img = $("poster");
  frame.style.width = g.w * s + "px";
  frame.style.height = g.h * s + "px";
  frame.classList.toggle("page", g.page);
  Object.assign(img.style, { left: g.pad * s + "px", top: g.pad * s + "px", width: g.c.width * s + "px", height: g.c.height * s + "px" });
  $("zoom-level").textContent = Math.round(s * 100) + "%";
  draw(g);
}

function el(tag, attrs, parent, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text != null) node.textContent = text;
  parent.append(node);
  return node;
}

function rect(parent, b, attrs) {
  return el("rect", { x: b.x, y: b.y, width: b.width, height: b.height, fill: "none", ...attrs }, parent);
}

function label(parent, x, y, text, color) {
  const t = el("text", { x, y, "font-size": 13 / view.scale, "stroke-width": 3 / view.scale }, parent, text);
  if (color) t.setAttribute("fill", color);
  return t;
}

function draw(g) {
  const svg = $("overlay");
  svg.setAttribute("viewBox", `${-g.pad} ${-g.pad} ${g.w} ${g.h}`);
  svg.replaceChildren();
  if (!current) return;
  const px = 1 / view.scale, on = view.overlays, c = g.c, els = current.overlay.elements;
  if (g.page) drawPage(svg, c, px);
  if (on.has("boxes")) for (const e of els) if (e.box) {
    rect(svg, e.box, { stroke: "#39f", "stroke-width": 2 * px, class: "box", "data-id": e.id });
    label(svg, e.box.x, e.box.y - 4 * px, e.id, "#9cf");  // above the box, so the poster's own text stays visible
  }
  if (on.has("text")) for (const e of els) if (e.type === "text") {
    for (const b of e.line_boxes || []) rect(svg, b, { stroke: "#ffb000", "stroke-width": px, "stroke-dasharray": `${4 * px} ${3 * px}` });
    const b = e.box, n = (e.lines || []).length;
    label(svg, b.x + b.width - 4 * px, b.y + b.height - 5 * px, `${e.size} px${e.auto ? " (auto-fit)" : ""} · ${n} line${n === 1 ? "" : "s"}`, "#ffcf66")
      .setAttribute("text-anchor", "end");
  }
  if (on.has("print")) drawPrint(svg, c, px);
  if (on.has("legibility")) for (const e of els) if (e.legibility) {
    const L = e.legibility, b = e.ink_box || e.box, ok = L.met;
    const fix = L.action !== "none" ? ` · fix: ${L.action} (was ${L.before.toFixed(2)}:1)` : "";
    rect(svg, b, { stroke: ok ? "#3c3" : "#f44", "stroke-width": 2 * px });
    label(svg, b.x + b.width, b.y - 4 * px, `${L.contrast.toFixed(2)}:1 ${ok ? "≥" : "<"} ${L.target}:1${fix}`, ok ? "#8f8" : "#f88")
      .setAttribute("text-anchor", "end");
  }
  if (on.has("lint")) {
    const byId = Object.fromEntries(els.map((e) => [e.id, e]));
    current.overlay.lint.forEach((p, i) => {
      const e = byId[p.element];
      if (!e || !e.box) return;
      const x = e.box.x + e.box.width, y = e.box.y;
      el("circle", { cx: x, cy: y, r: 10 * px, fill: p.severity === "error" ? "#e22" : "#e90", stroke: "#fff", "stroke-width": 1.5 * px }, svg);
      el("text", { x: x - 4 * px, y: y + 5 * px, "font-size": 13 * px, "stroke-width": 0 }, svg, String(i + 1));
    });
  }
}

function drawPrint(svg, c, px) {
  rect(svg, { x: 0, y: 0, width: c.width, height: c.height }, { stroke: "#fff", "stroke-width": px });
  label(svg, 4 * px, c.height - 6 * px, c.bleed > 0 ? "trim" : "canvas (no bleed: a screen spec)", "#fff");
  if (c.bleed > 0) {
    rect(svg, { x: -c.bleed, y: -c.bleed, width: c.width + 2 * c.bleed, height: c.height + 2 * c.bleed },
      { stroke: "#f0f", "stroke-width": px, "stroke-dasharray": `${6 * px} ${4 * px}` });
    label(svg, -c.bleed, -c.bleed - 4 * px, `bleed ${(c.bleed / c.dpi * 25.4).toFixed(1)} mm`, "#f8f");
  }
  if (c.safe > 0) {
    rect(svg, { x: c.safe, y: c.safe, width: c.width - 2 * c.safe, height: c.height - 2 * c.safe },
      { stroke: "#3c3", "stroke-width": px, "stroke-dasharray": `${3 * px} ${3 * px}` });
    label(svg, c.safe + 4 * px, c.safe + 15 * px, "safe area", "#8f8");
  }
}

function drawPage(svg, c, px) {  // the PDF page: BleedBox around the trim, crop marks in the bleed
  const b = c.bleed;
  el("path", { d: `M${-b} ${-b}h${c.width + 2 * b}v${c.height + 2 * b}h${-c.width - 2 * b}z M0 0v${c.height}h${c.width}v${-c.height}z`,
    fill: "rgba(255,0,255,.18)", "fill-rule": "evenodd" }, svg);
  const gap = Math.min(b * 0.3, c.dpi / 25.4);
  for (const [x, sx] of [[0, -1], [c.width, 1]]) for (const [y, sy] of [[0, -1], [c.height, 1]]) {
    el("line", { x1: x + sx * gap, y1: y, x2: x + sx * b, y2: y, stroke: "#fff", "stroke-width": px }, svg);
    el("line", { x1: x, y1: y + sy * gap, x2: x, y2: y + sy * b, stroke: "#fff", "stroke-width": px }, svg);
  }
  label(svg, -b, c.height + b + 14 * px, "PDF page = BleedBox; bleed shown hatched (the PNG is the trim)", "#ccc");
}

function hover(ev) {
  const tip = $("tip");
  if (!current) { tip.hidden = true; return; }
  const g = geometry(), r = $("frame").getBoundingClientRect();
  const x = (ev.clientX - r.left) / view.scale - g.pad, y = (ev.clientY - r.top) / view.scale - g.pad;
  const hits = current.overlay.elements.filter((e) => e.box && x >= e.box.x && y >= e.box.y &&
    x <= e.box.x + e.box.width && y <= e.box.y + e.box.height);
  if (!hits.length) { tip.hidden = true; return; }
  const e = hits.reduce((a, b) => (a.box.width * a.box.height <= b.box.width * b.box.height ? a : b));
  tip.textContent = `${e.id} (${e.type}) · ${e.source}` + (e.type === "text" ? ` · ${e.size} px` : "");
  tip.hidden = false;
  const left = Math.min(ev.clientX + 12, window.innerWidth - tip.offsetWidth - 8);
  Object.assign(tip.style, { left: Math.max(0, left) + "px", top: ev.clientY + 14 + "px" });
}

function setZoom(z) {
  if (z === "in" || z === "out") { view.scale *= z === "in" ? 1.25 : 0.8; view.zoom = "custom"; }
  else view.zoom = z;
  for (const b of document.querySelectorAll("#zoom button")) b.classList.toggle("on", b.dataset.zoom === view.zoom);
  layout();
}

document.addEventListener("DOMContentLoaded", () => {
  for (const b of document.querySelectorAll("#zoom button")) b.addEventListener("click", () => setZoom(b.dataset.zoom));
  for (const box of document.querySelectorAll("#overlays input")) box.addEventListener("change", () => {
    if (box.checked) view.overlays.add(box.value); else view.overlays.delete(box.value);
    layout();
  });
  $("size").addEventListener("change", choose);
  $("row").addEventListener("change", choose);
  $("frame").addEventListener("mousemove", hover);
  $("frame").addEventListener("mouseleave", () => { $("tip").hidden = true; });
  window.addEventListener("resize", () => { if (view.zoom === "fit") layout(); });
  layout();
  connect();
});
