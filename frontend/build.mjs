// Builds the live-editing bundle: `npm run build` writes hansei/collab/static/hansei/collab.js
// (committed, so pip users need no Node). `node build.mjs OUTFILE` writes elsewhere: that is how
// scripts/check-frontend checks the committed file is fresh. The output is deterministic.
import * as esbuild from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const outfile = path.resolve(process.argv[2] || path.join(here, "../hansei/collab/static/hansei/collab.js"));

// Exactly one copy of Yjs: two copies break `instanceof` checks and make Yjs warn
// "Yjs was already imported".
const yjsEntry = path.join(here, "node_modules/yjs/dist/yjs.mjs");
const oneYjs = {
  name: "one-yjs",
  setup(build) {
    build.onResolve({ filter: /^yjs$/ }, () => ({ path: yjsEntry }));
  },
};

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: ["src/collab.js"],
  outfile,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2020", "chrome90", "firefox90", "safari15"],
  minify: true,
  charset: "utf8",
  legalComments: "none",
  banner: {
    js: "/* Hansei live co-editing. Built by frontend/build.mjs from frontend/src: do not edit. Bundles yjs, y-websocket, y-protocols, lib0, y-codemirror.next (MIT) and CodeMirror 6, Lezer (MIT). */",
  },
  metafile: true,
  logLevel: "warning",
  plugins: [oneYjs],
});

const yjsFiles = Object.keys(result.metafile.inputs).filter((file) => /node_modules\/yjs\//.test(file));
if (yjsFiles.length !== 1) {
  console.error(`build: expected one copy of yjs in the bundle, found: ${yjsFiles.join(", ")}`);
  process.exit(1);
}
const bytes = Object.values(result.metafile.outputs)[0].bytes;
console.log(`${path.relative(process.cwd(), outfile)}: ${(bytes / 1024).toFixed(1)} KiB`);
