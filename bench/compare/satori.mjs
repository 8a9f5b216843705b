// satori + resvg: element tree -> SVG (text as glyph paths) -> resvg render -> PNG, warm in one process.
import satori from "satori";
import { Resvg } from "@resvg/resvg-js";
import { satoriTree, loadFonts, WIDTH, HEIGHT } from "./design.mjs";
import { args, dataUri, serve } from "./common.mjs";

const a = args();
const fonts = loadFonts();
const bg = dataUri(a.bg, "image/png");

async function once() {
  const svg = await satori(satoriTree(bg), { width: WIDTH, height: HEIGHT, fonts });
  const resvg = new Resvg(svg, { fitTo: { mode: "original" }, font: { loadSystemFonts: false } });
  return resvg.render().asPng();
}

await serve("satori+resvg", once);
