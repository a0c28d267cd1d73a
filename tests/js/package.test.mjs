// The npm package as Node (a server-rendering build) sees it: importing pkg/eservqual.js has no
// side effect, score() says clearly that the wasm is not loaded, and once the wasm bytes are
// given the packaged module scores the test vector exactly. Needs scripts/build-wasm.sh.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const pkg = new URL("../../pkg/", import.meta.url);
const data = (name) => JSON.parse(readFileSync(new URL(`../data/${name}`, import.meta.url), "utf8"));

/** |a − e| ≤ 1e-9·max(1, |e|) over every key of `expected`, null for null. */
function diff(actual, expected, path = "$", out = []) {
  if (typeof expected === "number") {
    if (typeof actual !== "number" || !(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)))) out.push(`${path}: ${actual} != ${expected}`);
  } else if (expected && typeof expected === "object") {
    if (!actual || typeof actual !== "object") out.push(`${path}: ${JSON.stringify(actual)} is not an object`);
    else for (const k of Object.keys(expected)) diff(actual[k], expected[k], `${path}.${k}`, out);
  } else if (actual !== expected) out.push(`${path}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
  return out;
}

test("importing the package touches no global and loads no wasm", async () => {
  const before = Object.getOwnPropertyNames(globalThis).sort();
  const mod = await import(new URL("eservqual.js", pkg));
  assert.deepEqual(Object.getOwnPropertyNames(globalThis).sort(), before);
  assert.equal(typeof mod.init, "function");
  assert.equal(typeof mod.default, "function");
  assert.throws(() => mod.score({}), (e) => e.name === "EservqualError" && e.code === "not-loaded");
});

test("with the wasm bytes the packaged module scores the vector", async () => {
  const mod = await import(new URL("eservqual.js", pkg));
  await mod.default(readFileSync(new URL("eservqual_wasm_bg.wasm", pkg)));
  const expected = data("esqual_one.expected.json");
  const scores = mod.score(data("esqual_one.json"));
  assert.deepEqual(diff(scores, expected.scores), []);
  assert.deepEqual(diff({ ...scores, class: "satisfied" }, expected.scores).length, 1, "the comparison can fail");
  assert.throws(() => mod.score({ instrument: "e-s-qual", answers: { EFF1: { p: 9 } } }), (e) => e.code === "out-of-range" && e.field === "answers.EFF1.p");
  assert.equal(typeof mod.version(), "string");
});

// --- The package as npm and a bundler see it (issue #19) -------------------------------------
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PKG = fileURLToPath(pkg);

/** A throw-away app folder whose node_modules/eservqual is pkg/, as `npm install` would make it. */
function app() {
  const dir = mkdtempSync(join(tmpdir(), "eservqual-app-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(PKG, join(dir, "node_modules", "eservqual"), "dir");
  writeFileSync(join(dir, "package.json"), '{ "name": "app", "private": true, "type": "module" }');
  return dir;
}

test("the tarball carries the README, changelog, licences and full metadata", () => {
  const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: PKG, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  const files = packed.files.map((f) => f.path).sort();
  for (const f of ["README.md", "CHANGELOG.md", "LICENSE-MIT", "LICENSE-APACHE", "package.json", "eservqual.js", "eservqual.d.ts", "embed.js", "eservqual_wasm_bg.wasm", "text-en.txt"]) {
    assert.ok(files.includes(f), `${f} is not in the tarball: ${files}`);
  }
  const meta = JSON.parse(readFileSync(new URL("package.json", pkg), "utf8"));
  assert.equal(meta.license, "MIT OR Apache-2.0");
  assert.match(meta.repository.url, /github\.com\/eservqual\/eservqual/);
  assert.match(meta.homepage, /^https:\/\//);
  assert.ok(meta.engines && meta.engines.node, "engines.node");
  assert.ok(meta.keywords.includes("servqual"));
  assert.deepEqual(meta.sideEffects, ["./embed.js"]);
  assert.equal(meta.exports["./package.json"], "./package.json");
});

test("an app resolves eservqual/package.json, and a bundler keeps `import \"eservqual/embed.js\"`", async () => {
  const dir = app();
  try {
    const require = createRequire(join(dir, "index.js"));
    assert.equal(JSON.parse(readFileSync(require.resolve("eservqual/package.json"), "utf8")).name, "eservqual");
    writeFileSync(join(dir, "main.js"), 'import "eservqual/embed.js";\n');
    const esbuild = createRequire(join(ROOT, "package.json"))("esbuild");
    const out = await esbuild.build({ entryPoints: [join(dir, "main.js")], bundle: true, format: "esm", write: false, absWorkingDir: dir, logLevel: "silent" });
    const code = out.outputFiles[0].text;
    // "sideEffects": false left 32 bytes: the loader was dropped.
    assert.ok(code.length > 2000, `the bundle is ${code.length} bytes`);
    assert.match(code, /eservqual\.memory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("load() in Node: the documented way (the wasm's bytes) works; without them it rejects", () => {
  const dir = app();
  try {
    writeFileSync(
      join(dir, "server.mjs"),
      `import { readFile } from "node:fs/promises";
import load, { score, version } from "eservqual";
let bare = "resolved";
await load().catch(() => (bare = "rejected"));
await load(await readFile(new URL(import.meta.resolve("eservqual/eservqual_wasm_bg.wasm"))));
const s = score({ instrument: "servqual", answers: { TAN1: { p: 5, e: 6 }, TAN2: { p: 4, e: 6 } } });
console.log(JSON.stringify({ bare, version: version(), gap: s.dimensions.TAN.gap }));
`,
    );
    const out = JSON.parse(execFileSync(process.execPath, ["server.mjs"], { cwd: dir, encoding: "utf8" }));
    assert.equal(out.bare, "rejected", "Node's fetch cannot read the file: URL beside the module");
    assert.match(out.version, /^\d+\.\d+\.\d+/);
    assert.equal(out.gap, -1.5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("score() refuses an unknown top-level key, naming it", async () => {
  const mod = await import(new URL("eservqual.js", pkg));
  await mod.default(readFileSync(new URL("eservqual_wasm_bg.wasm", pkg)));
  assert.throws(
    () => mod.score({ instrument: "e-s-qual", answer: { EFF1: { p: 4 } } }),
    (e) => e.name === "EservqualError" && e.code === "unknown-field" && e.field === "answer" && /answers/.test(e.message),
  );
  // A whole payload's other members are still accepted.
  assert.doesNotThrow(() => mod.score(data("esqual_one.json")));
});

test("the README's score() example runs and prints what its comment says", async () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const block = readme.split("<!-- example: score -->")[1].match(/```js\n([\s\S]*?)```/)[1];
  const promised = block.match(/^\/\/ prints: (.*)$/m)[1];
  const code = block
    .replace('from "eservqual"', `from ${JSON.stringify(new URL("eservqual.js", pkg).href)}`)
    // In Node the wasm's bytes are given (the README says so beside the example).
    .replace("await load();", `await load((await import("node:fs")).readFileSync(${JSON.stringify(fileURLToPath(new URL("eservqual_wasm_bg.wasm", pkg)))}));`);
  const dir = mkdtempSync(join(tmpdir(), "eservqual-readme-"));
  try {
    writeFileSync(join(dir, "example.mjs"), code);
    const printed = execFileSync(process.execPath, [join(dir, "example.mjs")], { encoding: "utf8" }).trim();
    assert.equal(printed, promised);
    assert.doesNotMatch(printed, /null/, "every dimension scores");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
