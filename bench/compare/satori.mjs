// satori + resvg: element tree -> SVG (text as glyph paths) -> resvg render -> PNG, warm in one process.
import satori from "satori";
import { Resvg } from "@resvg/resvg-js";
import { readFileSync } from "node:fs";
import { satoriTree, loadFonts, loadSceneFonts, sceneTree, WIDTH, HEIGHT } from "./design.mjs";
import { args, dataUri, serve } from "./common.mjs";

const a = args();
const scene = a.scene ? JSON.parse(readFileSync(a.scene, "utf8")) : null;
const fonts = scene ? loadSceneFonts(scene) : loadFonts();
const [width, height] = scene ? [scene.width, scene.height] : [WIDTH, HEIGHT];
// files are read and inlined once, as a satori user holding them in memory would; the tree is built per render
const uris = new Map();
const uri = (path, mime) => uris.get(path) ?? uris.set(path, dataUri(path, mime)).get(path);

async function once() {
  const tree = scene ? sceneTree(scene, uri) : satoriTree(uri(a.bg, "image/png"));
  const svg = await satori(tree, { width, height, fonts });
  const resvg = new Resvg(svg, { fitTo: { mode: "original" }, font: { loadSystemFonts: false } });
  return resvg.render().asPng();
}

await serve("satori+resvg", once);
