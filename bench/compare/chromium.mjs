// Headless Chromium through puppeteer-core: set the page's content, wait for fonts and the
// background, screenshot the 1080×1350 viewport as PNG; warm, in one long-lived browser and page.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import puppeteer from "puppeteer-core";
import { html, sceneHtml, FONTS, FONT_DIR, WIDTH, HEIGHT } from "./design.mjs";
import { args, dataUri, serve } from "./common.mjs";

const a = args();
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"];
let browser;
try {
  browser = await puppeteer.launch({
    executablePath: a.chromium || "/usr/bin/chromium", headless: true, args: FLAGS, defaultViewport: null,
  });
} catch (e) {
  console.error(`ERROR: could not launch Chromium: ${e.message.split("\n")[0]}`);
  process.exit(1);
}
try {
  const page = await browser.newPage();
  const scene = a.scene ? JSON.parse(readFileSync(a.scene, "utf8")) : null;
  await page.setViewport({ width: scene ? scene.width : WIDTH, height: scene ? scene.height : HEIGHT, deviceScaleFactor: 1 });
  const doc = scene ? sceneHtml(scene, dataUri)
    : html(dataUri(a.bg, "image/png"), FONTS.map((f) => dataUri(join(FONT_DIR, f.file), "font/otf")));
  // optimizeForSpeed asks Chromium for its fastest PNG encoding (bigger files); off by default.
  const fast = a.fast === "1";

  async function once() {
    await page.setContent(doc, { waitUntil: "load" });
    await page.evaluate(() => document.fonts.ready.then(() => document.fonts.size));
    return page.screenshot({ type: "png", optimizeForSpeed: fast });
  }

  await serve(fast ? "chromium-fast" : "chromium", once);
} finally {
  await browser.close();
}
