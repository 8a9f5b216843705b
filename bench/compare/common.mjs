// Shared by the engine scripts: arguments, timing and the JSON line the Python driver reads.
import { readFileSync } from "node:fs";

/** --bg PATH --out PATH --iters N --warmup N from argv. */
export function args() {
  const a = { iters: 20, warmup: 3 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) a[argv[i].replace(/^--/, "")] = argv[i + 1];
  a.iters = Number(a.iters);
  a.warmup = Number(a.warmup);
  if (!a.bg || !a.out) throw new Error("usage: --bg background.png --out poster.png [--iters 20] [--warmup 3]");
  return a;
}

export const dataUri = (path, mime) => `data:${mime};base64,${readFileSync(path).toString("base64")}`;

/** Run `once` warmup+iters times; returns per-iteration milliseconds (timed ones) and the last result. */
export async function timeIt(once, warmup, iters) {
  let last;
  for (let i = 0; i < warmup; i++) last = await once();
  const times = [];
  for (let i = 0; i < iters; i++) {
    const t = process.hrtime.bigint();
    last = await once();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { times, last };
}
