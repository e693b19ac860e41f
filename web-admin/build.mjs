// Builds the console into dist/ (or $OUT_DIR): src/main.ts and src/styles.css, and GraphiQL
// (src/graphiql/main.ts with its stylesheet, loaded only by the GraphQL page), bundled and
// minified by esbuild into assets/ with content hashes in their names, and index.html pointing
// at them. It prints each file's size and gzip size (the figures in the README). `go build`
// embeds dist/ (package webadmin), so commit it after `npm run build`; the Go test
// TestBuildIsFresh rebuilds into a temporary directory and compares.

import { build } from "esbuild";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, process.env.OUT_DIR ?? "dist");

await rm(dist, { recursive: true, force: true });
await mkdir(path.join(dist, "assets"), { recursive: true });

const result = await build({
  absWorkingDir: here,
  entryPoints: { app: "src/main.ts", style: "src/styles.css", graphiql: "src/graphiql/main.ts" },
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2022", "chrome110", "firefox110", "safari16"],
  outdir: path.join(dist, "assets"),
  entryNames: "[name]-[hash]",
  assetNames: "[name]-[hash]",
  define: { "process.env.NODE_ENV": '"production"' },
  metafile: true,
  legalComments: "none",
  sourcemap: false,
  logLevel: "warning",
});

const outputs = Object.keys(result.metafile.outputs).map((p) => path.relative(dist, path.resolve(here, p)).split(path.sep).join("/"));
const find = (re) => {
  const f = outputs.find((p) => re.test(p));
  if (!f) throw new Error(`no output matches ${re}: ${outputs.join(", ")}`);
  return f;
};
const names = {
  JS: find(/^assets\/app-[A-Z0-9]+\.js$/),
  CSS: find(/^assets\/style-[A-Z0-9]+\.css$/),
  GRAPHIQL_JS: find(/^assets\/graphiql-[A-Z0-9]+\.js$/),
  GRAPHIQL_CSS: find(/^assets\/graphiql-[A-Z0-9]+\.css$/),
};

let html = await readFile(path.join(here, "src/index.html"), "utf8");
for (const [k, v] of Object.entries(names)) html = html.replace(`{{${k}}}`, v);
await writeFile(path.join(dist, "index.html"), html);

for (const f of ["index.html", ...outputs.sort()]) {
  const body = await readFile(path.join(dist, f));
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`${f.padEnd(36)} ${kb(body.length).padStart(10)}  gzip ${kb(gzipSync(body, { level: 9 }).length).padStart(9)}`);
}
