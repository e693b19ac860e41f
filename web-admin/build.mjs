// Builds the console into dist/: src/main.ts and src/styles.css bundled and minified by esbuild
// into dist/assets/ with content hashes in their names, and dist/index.html pointing at them.
// `go build` embeds dist/ (package webadmin), so commit it after `npm run build`.

import { build } from "esbuild";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "dist");

await rm(dist, { recursive: true, force: true });
await mkdir(path.join(dist, "assets"), { recursive: true });

const result = await build({
  absWorkingDir: here,
  entryPoints: { app: "src/main.ts", style: "src/styles.css" },
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2022", "chrome110", "firefox110", "safari16"],
  outdir: "dist/assets",
  entryNames: "[name]-[hash]",
  metafile: true,
  legalComments: "none",
  sourcemap: false,
  logLevel: "warning",
});

const outputs = Object.keys(result.metafile.outputs).map((p) => path.relative(dist, path.join(here, p)).split(path.sep).join("/"));
const js = outputs.find((p) => /^assets\/app-[A-Z0-9]+\.js$/.test(p));
const css = outputs.find((p) => /^assets\/style-[A-Z0-9]+\.css$/.test(p));
if (!js || !css) throw new Error(`unexpected esbuild outputs: ${outputs.join(", ")}`);

const template = await readFile(path.join(here, "src/index.html"), "utf8");
const html = template.replace("{{JS}}", js).replace("{{CSS}}", css);
await writeFile(path.join(dist, "index.html"), html);
console.log(`built dist/index.html, dist/${js}, dist/${css}`);
