// Shared by the engine scripts: arguments, and a line protocol so the Python driver can interleave
// engines one render at a time (fair on a busy machine) while each stays warm in its own process.
import { readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";

/** --bg PATH or --scene PATH (a suite design, bench/compare_scene.py) [--key VALUE ...] from argv. */
export function args() {
  const a = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) a[argv[i].replace(/^--/, "")] = argv[i + 1];
  if (!a.bg && !a.scene) throw new Error("usage: --bg background.png | --scene scene.json [--chromium PATH] [--fast 1]");
  return a;
}

export const dataUri = (path, mime) => `data:${mime};base64,${readFileSync(path).toString("base64")}`;

/**
 * Answer stdin commands: `render` times one `once()` (which returns PNG bytes) and prints
 * {"ms": ..., "bytes": ...}; `save PATH` writes the last PNG; `quit` (or EOF) ends.
 */
export async function serve(engine, once) {
  let last = null;
  console.log(JSON.stringify({ ready: engine }));
  for await (const line of createInterface({ input: process.stdin })) {
    const [cmd, ...rest] = line.trim().split(" ");
    if (cmd === "render") {
      const t = process.hrtime.bigint();
      last = await once();
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      console.log(JSON.stringify({ ms, bytes: last.length }));
    } else if (cmd === "save") {
      writeFileSync(rest.join(" "), last);
      console.log(JSON.stringify({ saved: rest.join(" ") }));
    } else if (cmd === "quit") {
      break;
    }
  }
}
