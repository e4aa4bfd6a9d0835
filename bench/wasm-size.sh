#!/usr/bin/env bash
# Builds the release site and prints what a browser downloads to run the portal:
# the .wasm, .js and .css, raw and brotli-compressed (quality 11, as the server sends them).
source "$(dirname "$0")/../scripts/lib.sh"

ensure_build_tools
build_release
step "Download size of the portal's client"
node - <<'JS'
const fs = require("fs");
const zlib = require("zlib");
const kb = (bytes) => (bytes / 1000).toFixed(1).padStart(8) + " kB";
let raw = 0, brotli = 0;
console.log("file".padEnd(28) + "raw".padStart(11) + "brotli".padStart(11));
// Release builds name files after their content: portal.<hash>.wasm, and so on.
const pkg = "target/site/pkg";
const built = fs.readdirSync(pkg).filter((name) => /^portal\.[^.]+\.(wasm|js|css)$/.test(name)).sort();
for (const file of built.map((name) => `${pkg}/${name}`)) {
  const bytes = fs.readFileSync(file);
  const compressed = zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  raw += bytes.length; brotli += compressed;
  console.log(file.replace("target/site/", "").padEnd(28) + kb(bytes.length) + kb(compressed));
}
console.log("total".padEnd(28) + kb(raw) + kb(brotli));
JS
