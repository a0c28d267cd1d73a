// The whole product as the demo runs it: the collector serving the repository's www/ (the shop
// page with its one script tag, the dashboard), a customer answering on the shop page, and the
// dashboard then counting one more response. Needs `pkg` (copied to www/pkg) and
// scripts/build-dashboard.sh, as make test runs them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, answerByKeyboard, browser, collector, dashboardUrl, page } from "./harness.mjs";

let server;
let chrome;

before(async () => {
  for (const need of ["www/pkg/embed.js", "www/dashboard/vendor"]) {
    assert.ok(existsSync(join(ROOT, need)), `${need} is missing: build the package and the dashboard first`);
  }
  server = await collector({}, ["--seed", "120"], { www: join(ROOT, "www") });
  chrome = await browser();
});

after(async () => {
  await chrome?.close();
  await server?.stop();
});

/** The dashboard's count of responses, as a person reads it on the page. */
async function dashboardCount(s) {
  await s.page.goto(await dashboardUrl(server.url));
  await s.page.waitForSelector("#content:not([hidden])", { timeout: 30000 });
  await s.page.waitForFunction(() => /\d/.test(document.getElementById("status")?.textContent || ""), null, { timeout: 30000 });
  const text = await s.page.locator("#status").textContent();
  const n = Number((text.match(/(\d[\d,]*)\s+responses/) || [])[1]?.replace(/,/g, ""));
  assert.ok(Number.isFinite(n), `a response count in "${text}"`);
  return n;
}

test("a customer answers on the shop page and the dashboard counts one more", async () => {
  const owner = await page(chrome, { viewport: { width: 1280, height: 900 } });
  const before = await dashboardCount(owner);
  assert.equal(before, 120, "the seeded responses");

  const customer = await page(chrome, { viewport: { width: 1280, height: 900 } });
  await customer.page.goto(`${server.url}/shop/`);
  // The shop opens the questionnaire two seconds after the order page loads.
  await customer.page.waitForFunction(() => !!document.querySelector("[data-eservqual]")?.shadowRoot?.querySelector("dialog[open]"), null, { timeout: 30000 });
  await answerByKeyboard(customer.page, { next: "Next", submit: "Submit" });
  await customer.page.waitForFunction(
    () => /sent|thank/i.test(document.querySelector("[data-eservqual]")?.shadowRoot?.textContent || ""),
    null,
    { timeout: 30000 },
  );
  assert.deepEqual(customer.problems, []);

  // "Thank you" can show before the delivery's answer: wait for the response to be stored.
  let stored = await server.responses();
  for (const end = Date.now() + 15000; stored.length < 121 && Date.now() < end; stored = await server.responses()) {
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(stored.length, 121);
  assert.equal(stored.at(-1).site, "northwind-tea");
  assert.equal(stored.at(-1).page, "/shop/");

  assert.equal(await dashboardCount(owner), before + 1);
  assert.deepEqual(owner.problems, []);
  await owner.context.close();
  await customer.context.close();
});
