#!/usr/bin/env bash
# Builds the release site and prints what a browser downloads to run the portal:
# each file of the client, raw and brotli-compressed (quality 11, as the server
# sends them), then the first load of five pages. The sign-in page loads only the
# CSS (it comes without the client); every other page loads the main WASM, its JS
# glue, the chunk loader and the CSS; a lazy route's page also loads the chunks
# of its routes (`--split`), which it preloads, and "Setup Two-Factor
# Authentication" loads the wizard's when it is clicked.
source "$(dirname "$0")/../scripts/lib.sh"

ensure_build_tools
build_release
step "Download size of the portal's client"
node - <<'JS'
const fs = require("fs");
const zlib = require("zlib");
const kB = (bytes) => (bytes / 1000).toFixed(1).padStart(9) + " kB";
const row = (name, raw, brotli) => console.log(name.padEnd(44) + kB(raw) + kB(brotli));

// Release builds name files after their content: portal.<hash>.wasm, chunk_5.<hash>.wasm…
const pkg = "target/site/pkg";
const files = fs.readdirSync(pkg).filter((name) => /\.(wasm|js|css)$/.test(name)).sort();
const size = {};
for (const name of files) {
  const bytes = fs.readFileSync(`${pkg}/${name}`);
  const brotli = zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  size[name] = { raw: bytes.length, brotli };
}

const manifestFile = fs.readdirSync(pkg).find((name) => /^__wasm_split_manifest\.[^.]+\.json$/.test(name));
const manifest = manifestFile ? JSON.parse(fs.readFileSync(`${pkg}/${manifestFile}`, "utf8")) : {};
// A split function is named `<name>_<number>`; `#[lazy_route]` names a route's view
// `__<route in snake case>_view`.
const chunksOf = (functionName) =>
  Object.entries(manifest)
    .filter(([name]) => new RegExp(`^${functionName}_\\d+$`).test(name))
    .flatMap(([, chunks]) => chunks.map((chunk) => `${chunk}.wasm`));

const main = files.filter((name) => /^(portal\.[^.]+\.(wasm|js|css)|__wasm_split\.[^.]+\.js)$/.test(name));
const lazy = new Set(Object.values(manifest).flat().map((chunk) => `${chunk}.wasm`));
const total = (names) =>
  [...names].reduce((sum, name) => ({ raw: sum.raw + size[name].raw, brotli: sum.brotli + size[name].brotli }), { raw: 0, brotli: 0 });

console.log("file".padEnd(44) + "raw".padStart(12) + "brotli".padStart(12));
for (const name of main) row(name, size[name].raw, size[name].brotli);
const chunks = total(lazy);
row(`${lazy.size} chunks of lazy code, together`, chunks.raw, chunks.brotli);

console.log("\nfirst load, JS + WASM + CSS");
const css = main.filter((name) => name.endsWith(".css"));
const loads = (functions) => (functions ? new Set([...main, ...functions.flatMap(chunksOf)]) : new Set(css));
const security = ["__account_route_view", "__account_security_route_view"];
// `null`: the page comes without the client.
const pages = {
  "/login": null,
  "/": [],
  "/login/code": ["__login_code_route_view"],
  "/account": ["__account_route_view"],
  "/account/security": security,
};
for (const [path, functions] of Object.entries(pages)) {
  const names = loads(functions);
  const { raw, brotli } = total(names);
  row(`${path} (${names.size} files)`, raw, brotli);
}
const before = loads(security);
const wizard = [...loads([...security, "wizard"])].filter((name) => !before.has(name));
const added = total(wizard);
row(`+ the wizard, once opened (${wizard.length} files)`, added.raw, added.brotli);
