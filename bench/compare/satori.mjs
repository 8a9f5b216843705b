// satori + resvg: element tree -> SVG (text as glyph paths) -> resvg render -> PNG, warm in one process.
import { writeFileSync } from "node:fs";
import satori from "satori";
import { Resvg } from "@resvg/resvg-js";
import { satoriTree, loadFonts, WIDTH, HEIGHT } from "./design.mjs";
import { args, dataUri, timeIt } from "./common.mjs";

const a = args();
const fonts = loadFonts();
const bg = dataUri(a.bg, "image/png");

async function once() {
  const svg = await satori(satoriTree(bg), { width: WIDTH, height: HEIGHT, fonts });
  const resvg = new Resvg(svg, { fitTo: { mode: "original" }, font: { loadSystemFonts: false } });
  return resvg.render().asPng();
}

const { times, last } = await timeIt(once, a.warmup, a.iters);
writeFileSync(a.out, last);
console.log(JSON.stringify({ engine: "satori+resvg", times, bytes: last.length }));
