// Shared pieces of the end-to-end tests: the real collector (`eservqual serve`) on a free
// loopback port serving a fixture www/ folder, and Debian's Chromium driven by playwright-core,
// with every console error, page error and CSP violation collected so a test can insist on none.
// Needs `cargo build -p eservqual-server` and `scripts/build-wasm.sh` first (make test does).
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, after } from "node:test";
import { chromium } from "playwright-core";

export const ROOT = new URL("../../", import.meta.url).pathname;
export const TOKEN = "e2e-admin-token-0123456789abcdefgh";

/** A fresh one-time dashboard URL of the collector at `base` (POST /v1/session with the token). */
export async function dashboardUrl(base) {
  const res = await fetch(`${base}/v1/session`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } });
  if (res.status !== 201) throw new Error(`POST /v1/session: ${res.status} ${await res.text()}`);
  return base + (await res.json()).url;
}

/**
 * Starts the collector on 127.0.0.1 with a fresh database (SQLite, or the PostgreSQL database at
 * `databaseUrl`) and a www folder holding the built package (pkg/) and the given pages
 * ({"path/file.html": "<html>…"}), or the folder `www` as it is. Resolves to
 * { url, dir, stop(), responses() }.
 */
export async function collector(pages = {}, extraArgs = [], { www: ownWww, databaseUrl } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "eservqual-e2e-"));
  const www = ownWww || join(dir, "www");
  if (!ownWww) {
    mkdirSync(www);
    cpSync(join(ROOT, "pkg"), join(www, "pkg"), { recursive: true });
    cpSync(join(ROOT, "www/favicon.svg"), join(www, "favicon.svg"));
  }
  for (const [path, html] of Object.entries(pages)) {
    mkdirSync(join(www, path, ".."), { recursive: true });
    writeFileSync(join(www, path), html);
  }
  const bin = join(ROOT, "target/debug/eservqual");
  const child = spawn(
    bin,
    ["serve", "--addr", "127.0.0.1:0", ...(databaseUrl ? ["--database-url", databaseUrl] : ["--db", join(dir, "e2e.db")]), "--www", www, "--admin-token", TOKEN, "--rate-limit", "0", ...extraArgs],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stderr.on("data", (d) => (log += d));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the collector did not start:\n${log}`)), 15000);
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => reject(new Error(`the collector exited (${code}):\n${log}`)));
  });
  return {
    url,
    dir,
    log: () => log,
    /** The stored payloads, via the admin export. */
    async responses() {
      const res = await fetch(`${url}/v1/responses.jsonl`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const text = await res.text();
      return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r() : child.on("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium as the machine has it (its own browser download does not work here). */
export function browser(extraArgs = []) {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", ...extraArgs],
  });
}

/** Flags that keep a tab that is not in front running at full speed (two tabs at once). */
export const BACKGROUND_TABS_AWAKE = ["--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"];

/**
 * Makes time in `context` run `factor` times faster, so a test need not sit through the outbox's
 * real backoffs: Playwright's fake clock is installed (Date, timers and performance.now of every
 * page of the context) and jumped forward between real ticks. No jump happens while a request
 * that `watched(url)` selects is in flight, unless `hanging()` (requests the receiver holds on
 * purpose) accounts for all of them: a jump then would time out an answer that is merely on its
 * way, which real time never does. Resolves to `stop()`.
 */
export async function accelerate(context, factor, { watched = () => false, hanging = () => 0 } = {}) {
  await context.clock.install();
  const inFlight = new Set();
  context.on("request", (r) => watched(r.url(), r.method()) && inFlight.add(r));
  for (const end of ["requestfinished", "requestfailed"]) context.on(end, (r) => inFlight.delete(r));
  const TICK = 20;
  let running = true;
  const loop = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, TICK));
      if (running && inFlight.size <= hanging()) await context.clock.fastForward(Math.round(TICK * (factor - 1))).catch(() => {});
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

/**
 * A page in a new context that records console errors, page errors, CSP violations and every
 * request URL. `problems()` lists what went wrong; `requests` holds the URLs.
 */
export async function page(b, options = {}) {
  const context = await b.newContext(options);
  const p = await context.newPage();
  const problems = [];
  const requests = [];
  p.on("console", (m) => m.type() === "error" && problems.push(`console.error: ${m.text()}`));
  p.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  p.on("request", (r) => requests.push(r.url()));
  await p.exposeFunction("__cspViolation", (v) => problems.push(`CSP violation: ${v}`));
  await p.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => window.__cspViolation(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { page: p, context, problems, requests };
}

/** A page that loads the loader with the given data- attributes, and optional inline-free JS. */
export function embedPage(attrs, { head = "", body = "", script = "" } = {}) {
  const data = Object.entries(attrs).map(([k, v]) => ` data-${k}="${v}"`).join("");
  const extra = script ? `<script src="page.js" defer></script>` : "";
  return {
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>e2e</title>${head}<script src="/pkg/embed.js"${data} defer></script>${extra}</head><body><main><h1>Shop</h1>${body}</main></body></html>`,
    script,
  };
}

/**
 * A test file's collector (serving `pages`) and Chromium: started before its tests and stopped
 * after them; `server` and `chrome` are set once `before` has run.
 */
export function suite(pages) {
  const s = { server: null, chrome: null };
  before(async () => {
    s.server = await collector(pages);
    s.chrome = await browser();
  });
  after(async () => {
    await s.chrome?.close();
    await s.server?.stop();
  });
  return s;
}

/** Clicks the label of `value` for item `name`'s answer (its `.p` field), as a person would. */
export const choose = (p, name, value) => p.locator(`[data-eservqual] label:has(input[name="${name}.p"][value="${value}"])`).click();

/** Waits (up to 30 s) until the questionnaire shows item `name`. */
export const itemShown = (p, name) => p.locator(`[data-eservqual] input[name="${name}.p"]`).first().waitFor({ state: "attached", timeout: 30000 });

/** The focused element, looking through open shadow roots. */
export const focused = (p) =>
  p.evaluate(() => {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    if (!a) return null;
    const root = a.getRootNode();
    const group = a.type === "radio" ? [...root.querySelectorAll(`input[type=radio][name="${a.name}"]`)] : [];
    return {
      tag: a.tagName.toLowerCase(),
      type: a.type || "",
      text: (a.textContent || "").trim(),
      name: a.name || "",
      checked: group.some((r) => r.checked),
      index: group.indexOf(a),
      size: group.length,
    };
  });

/** Answers the open questionnaire with the keyboard alone; returns the keys pressed. */
export async function answerByKeyboard(p, words, { comment = "The parcel came a day late.", beforeStep = null } = {}) {
  let presses = 0;
  let groups = 0;
  for (let i = 0; i < 900; i++) {
    const f = await focused(p);
    if (f && f.type === "radio" && !f.checked) {
      // Space checks the first choice; arrows then move the choice, never onto N/A (last).
      await p.keyboard.press("Space");
      const moves = (groups * 7) % Math.max(1, f.size - 2);
      for (let k = 0; k < moves; k++) await p.keyboard.press("ArrowRight");
      groups += 1;
      presses += 1 + moves;
      await p.keyboard.press("Tab");
    } else if (f && f.tag === "textarea") {
      await p.keyboard.type(comment);
      await p.keyboard.press("Tab");
    } else if (f && f.tag === "button" && f.text === words.submit) {
      if (beforeStep) await beforeStep();
      await p.keyboard.press("Enter");
      return { presses, groups };
    } else if (f && f.tag === "button" && f.text === words.next) {
      if (beforeStep) await beforeStep();
      await p.keyboard.press("Enter");
    } else {
      await p.keyboard.press("Tab");
    }
    presses += 1;
  }
  throw new Error("the keyboard never reached Submit");
}

/** Opens the questionnaire from its launcher with the keyboard. */
export async function openWithKeyboard(p, words) {
  for (let i = 0; i < 30; i++) {
    await p.keyboard.press("Tab");
    const f = await focused(p);
    if (f && f.tag === "button" && f.text.includes(words.launcher)) {
      await p.keyboard.press("Enter");
      await p.locator("[data-eservqual] dialog[open]").waitFor({ timeout: 15000 });
      return;
    }
  }
  throw new Error("no launcher reached by Tab");
}

