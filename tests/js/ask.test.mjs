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

test("stored memory is read field by field", () => {
  assert.deepEqual(readMemory('{"draw":0.5,"submittedAt":1,"pageviews":3,"x":1}'), { draw: 0.5, submittedAt: 1, pageviews: 3 });
  assert.deepEqual(readMemory('{"draw":1.5,"dismissedAt":"soon"}'), {});
  assert.deepEqual(readMemory("not json"), {});
  assert.deepEqual(readMemory("[1,2]"), {});
});

test("a draw is made once and kept", () => {
  const m = {};
  assert.equal(drawFor(m, 0.25), 0.25);
  assert.equal(drawFor(m, 0.75), 0.25);
  assert.ok(drawFor({}, 1) < 1);
  assert.ok(drawFor({}, NaN) < 1 && drawFor({}, NaN) > 0.99);
  assert.equal(Object.is(drawFor({}, -0), 0), true);
});
