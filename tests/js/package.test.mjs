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
