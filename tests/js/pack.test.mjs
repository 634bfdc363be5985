// The published tarball (npm pack) has every entry and works when installed.
import test from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const here = new URL(".", import.meta.url).pathname;
const npmDir = join(here, "../../npm");

test("npm pack: the tarball installs and every entry loads", () => {
  const out = join(here, "out", "pack");
  rmSync(out, { recursive: true, force: true });
  const pkg = join(out, "node_modules", "spanlink");
  mkdirSync(pkg, { recursive: true });
  const tgz = execFileSync("npm", ["pack", "--silent", "--pack-destination", out], {
    cwd: npmDir,
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .pop();
  execFileSync("tar", ["-xzf", join(out, tgz), "-C", pkg, "--strip-components=1"]);
  // the yaml dependency, as npm would install it next to the package
  execFileSync("cp", [
    "-r",
    join(npmDir, "node_modules", "yaml"),
    join(out, "node_modules", "yaml"),
  ]);
  const script = `
    const cjs = require("spanlink");
    const esm = await import("spanlink");
    const inline = await import("spanlink/inline");
    const web = await import("spanlink/web");
    const bundlerEntry = require.resolve("spanlink/bundler");
    for (const m of [cjs, esm, inline, web]) {
      if (typeof m.Correlator !== "function" || typeof m.parseProvisioning !== "function") throw new Error("missing export");
    }
    console.log(JSON.stringify({ interval: inline.parseInterval("1m"), bundler: bundlerEntry.endsWith("dist/bundler.js") }));`;
  const result = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { createRequire } from "node:module"; const require = createRequire(${JSON.stringify(join(out, "x.js"))}); ${script}`,
    ],
    { cwd: out, encoding: "utf8" },
  );
  assert.deepEqual(JSON.parse(result), { interval: 60000, bundler: true });
});
