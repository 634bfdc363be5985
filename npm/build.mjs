// Assembles npm/dist from wasm-bindgen's three outputs (one shared .wasm) and npm/src.
// Usage: node npm/build.mjs <dir with nodejs/ web/ bundler/ wasm-bindgen outputs>
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [gen] = process.argv.slice(2);
const src = new URL("./src/", import.meta.url).pathname;
const dist = new URL("./dist/", import.meta.url).pathname;
const read = (...p) => readFileSync(join(gen, ...p), "utf8");
const write = (name, text) => writeFileSync(join(dist, name), text);
const replaceOnce = (text, from, to) => {
  const found = typeof from === "string" ? text.includes(from) : from.test(text);
  if (!found) throw new Error(`build.mjs: expected ${from} in the glue`);
  return text.replace(from, to);
};

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

// The .wasm is the same for every target: ship it once.
cpSync(join(gen, "web", "spanlink_bg.wasm"), join(dist, "spanlink_bg.wasm"));
for (const t of ["nodejs", "bundler"]) {
  if (
    !readFileSync(join(gen, t, "spanlink_bg.wasm")).equals(
      readFileSync(join(dist, "spanlink_bg.wasm")),
    )
  ) {
    throw new Error(`build.mjs: ${t} wasm differs from web wasm`);
  }
}

// wasm-bindgen's own checks throw plain Errors: a freed handle ("null pointer passed to rust"),
// a handle of the wrong class ("expected instance of Trace"). Make them SpanlinkErrors too, and
// make a second free() a no-op. Each replacement is checked, so a new wasm-bindgen cannot slip by.
const helper = `
function __spanlinkThrown(message) {
  const e = new Error(message === "null pointer passed to rust"
    ? "spanlink: this object was freed (free() was called on it, or on a Trace/Correlator passed in)"
    : \`spanlink: \${message}\`);
  e.name = "SpanlinkError";
  e.code = "INVALID_ARGUMENT";
  e.path = "";
  return e;
}
`;
function patchGlue(js) {
  js = replaceOnce(
    js,
    "throw new Error(getStringFromWasm0(arg0, arg1));",
    "throw __spanlinkThrown(getStringFromWasm0(arg0, arg1));",
  );
  if (js.includes("function _assertClass")) {
    js = replaceOnce(
      js,
      "throw new Error(`expected instance of ${klass.name}`);",
      "throw __spanlinkThrown(`expected instance of ${klass.name}`);",
    );
  }
  const frees = js.match(/__wbg_\w+_free\(ptr, 0\)/g) || [];
  js = js.replace(
    /(const ptr = this\.__destroy_into_raw\(\);)(\s+wasm\.__wbg_\w+_free\(ptr, 0\);)/g,
    "$1\n        if (ptr === 0) return;$2",
  );
  if (frees.length === 0 || (js.match(/if \(ptr === 0\) return;/g) || []).length !== frees.length) {
    throw new Error("build.mjs: unexpected free() shape in the glue");
  }
  return js + helper;
}

const urlIn = "new URL('spanlink_bg.wasm', import.meta.url)";
const web = patchGlue(read("web", "spanlink.js"));
write("glue-node.cjs", patchGlue(read("nodejs", "spanlink.js")));
// "./" so that webpack treats the asset as relative (Vite accepts both).
write("glue-web.js", replaceOnce(web, urlIn, "new URL('./spanlink_bg.wasm', import.meta.url)"));
// No asset reference at all in the inline glue: bundlers must not emit a .wasm for it.
write("glue-inline.js", replaceOnce(web, urlIn, "undefined"));
write("glue-bundler.js", read("bundler", "spanlink.js"));
write("spanlink_bg.js", patchGlue(read("bundler", "spanlink_bg.js")));
write(
  "wasm-base64.js",
  `export const wasmBase64 = "${readFileSync(join(dist, "spanlink_bg.wasm")).toString("base64")}";\n`,
);

// Types: no `any` in what users see (wasm-bindgen's raw InitOutput signatures included).
// wasm-bindgen declares `[Symbol.dispose]()` (for `using`): bring its lib in for every consumer.
const noAny = (dts) =>
  '/// <reference lib="esnext.disposable" />\n' + dts.replace(/\bany\b/g, "unknown");
write("glue.d.ts", noAny(read("nodejs", "spanlink.d.ts")));
write("glue-web.d.ts", noAny(read("web", "spanlink.d.ts")));

for (const f of readdirSync(src)) cpSync(join(src, f), join(dist, f));

// provisioning.cjs: the CommonJS twin of provisioning.js.
const esm = readFileSync(join(src, "provisioning.js"), "utf8");
write(
  "provisioning.cjs",
  '"use strict";\n' +
    replaceOnce(
      replaceOnce(esm, /import (\{[^}]*\}) from "yaml";/, 'const $1 = require("yaml");'),
      "export function provisioningReader",
      "function provisioningReader",
    ) +
    "module.exports = { provisioningReader };\n",
);
console.log(`npm/dist: ${readdirSync(dist).length} files`);
