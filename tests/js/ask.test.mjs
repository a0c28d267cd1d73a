// The loader's decision (js/ask.js) against the table the core is tested with
// (core/tests/ask_table.json): one set of rules in two languages.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { decide, drawFor, readMemory } from "../../js/ask.js";

const table = JSON.parse(readFileSync(new URL("../../core/tests/ask_table.json", import.meta.url), "utf8"));

test("every row of the shared table", () => {
  assert.ok(table.cases.length >= 40, "the table has its rows");
  for (const c of table.cases) {
    assert.equal(decide(c.settings, c.memory, c.env), c.expect, c.name);
  }
});

test("stored memory: whatever was stored, and a field the rules cannot use changes no decision", () => {
  // The widget reads the memory again itself: fields the loader does not use are kept as stored.
  assert.deepEqual(readMemory('{"draw":0.5,"submittedAt":1,"pageviews":3,"x":1}'), { draw: 0.5, submittedAt: 1, pageviews: 3, x: 1 });
  for (const text of ["not json", "[1,2]", "null", "7", '"text"', null]) {
    assert.equal(Object.getPrototypeOf(readMemory(text)), Object.prototype, `${text}: a plain object`);
    assert.equal(readMemory(text).draw, undefined, `${text}: no draw`);
  }
  // A stored field of the wrong type or range is as if absent (as the core's Memory::from_json).
  const env = { nowMs: 1e12, gpc: false, consent: true };
  const settings = { sampleRate: 0.5 };
  for (const [stored, same] of [
    ['{"draw":1.5,"dismissedAt":"soon"}', {}],
    ['{"draw":0.25,"submittedAt":"yesterday"}', { draw: 0.25 }],
    ['{"draw":0.75,"dismissedAt":1e999}', { draw: 0.75 }],
    ['{"draw":-0.1,"submittedAt":null}', {}],
  ]) {
    assert.equal(decide(settings, readMemory(stored), env), decide(settings, same, env), stored);
  }
  assert.equal(decide(settings, readMemory('{"draw":0.25,"submittedAt":999999999999}'), env), "recently-submitted");
});

test("a draw is made once and kept; one outside [0, 1) is replaced", () => {
  const m = {};
  assert.equal(drawFor(m, 0.25), 0.25);
  assert.equal(drawFor(m, 0.75), 0.25);
  assert.equal(m.draw, 0.25);
  for (const bad of [1, 1.5, -0.5, "0.5", null]) {
    const k = { draw: bad };
    assert.equal(drawFor(k, 0.125), 0.125, `${bad}`);
    assert.equal(k.draw, 0.125);
  }
});
