// The script-tag loader (pkg/embed.js, minified at build time; budget 2,048 gzip bytes):
//   <script src=".../embed.js" data-endpoint="https://..." defer></script>
// It reads the data- attributes, sets up `window.eservqual` (calls queue until the widget is
// loaded), decides whether the page is one the widget is on (`pages`, js/pages.js) and whether to
// ask with the core's rules (js/ask.js) before loading anything, and only for a visitor who is
// asked loads the module and the wasm, both checked against the integrity hashes written in at
// build time. A single-page app's navigation (History API, hash routes) decides again.
import { decide, drawFor, readMemory } from "./ask.js";
import { onPage } from "./pages.js";

// Replaced at build time (scripts/build-wasm.sh) with the files' names and SRI hashes.
const MODULE = __ESQ_MODULE__;
const MODULE_SRI = __ESQ_MODULE_SRI__;
const WASM = __ESQ_WASM__;
const WASM_SRI = __ESQ_WASM_SRI__;
/** Where the widget keeps what it remembers of a visitor (shared with the wasm). */
const MEMORY_KEY = "eservqual.memory";
/** The prefix of the outbox's storage keys, one per pending response (core/src/outbox.rs). */
const OUTBOX = "eservqual.outbox.";

const w = window;
const script = document.currentScript;
/** Where the module and the wasm are: beside the loader. */
const base = script?.src || location;

/** data- attributes that other tools put on script tags (Cloudflare's Rocket Loader, consent
 * managers, Next.js's <Script>, page optimisers): theirs, so neither read nor a mistake. */
const FOREIGN = /^(cfasync|cookie(consent|category)|category|usercentrics|nscript|no(Optimize|Defer|Minify)|otIgnore)$/;
/** An attribute the loader could not read (JSON that is not, an endpoint that is no URL). */
let unreadable = false;

/** A data- attribute value as a config value: booleans, numbers, lists, objects and triggers typed. */
function typed(key, v) {
  if (v === "true" || v === "false") return v === "true";
  // An object option as JSON: data-theme='{"mode":"dark"}'.
  if (v[0] === "{") return JSON.parse(v);
  if (/^(outcomes|dimensions|pages)$/.test(key)) return v.match(/[^\s,]+/g) || [];
  if (key === "trigger") {
    const [on, arg] = v.split(/:(.*)/s);
    const field = { delay: "ms", scroll: "percent", pageviews: "count", event: "name" }[on];
    return field ? { on, [field]: on === "event" ? arg : Number(arg) } : { on };
  }
  // A relative endpoint is the page's own collector.
  if (key === "endpoint") return "" + new URL(v, location);
  return v !== "" && !isNaN(v) && /^(sampleRate|recontactDays|dismissDays|timeoutMs|resumeHours)$/.test(key) ? Number(v) : v;
}

const fromTag = {};
if (script) {
  for (const [k, v] of Object.entries(script.dataset)) {
    if (FOREIGN.test(k)) continue;
    try {
      fromTag[k] = typed(k, v);
    } catch {
      unreadable = fromTag[k] = v;
    }
    // After the rest of the page's scripts ran, so an init() of theirs comes first; without one
    // the data- attributes are the config, and one without data-endpoint is a mistake reported
    // as any other. A tag with no data- attribute at all leaves the config to the page's init(),
    // whenever that comes (after a consent banner, say). (One timer per attribute: the first to
    // run starts the widget, the others find it started.)
    setTimeout(() => config || run(fromTag));
  }
}

let config = null;
let survey = null;
/** Whether the questionnaire is open: a route change to another page it is on leaves it open. */
let shown = false;
/** Whether the current Survey may ask (else it is idle, or only delivers what is pending). */
let asked = false;
let consentGiven = null;
const queue = [];
let settleFirst;
/** The first Survey (or the idle one); rejections are reported by init()'s own promise. */
const ready = new Promise((res) => (settleFirst = res));

/** The Survey of a visitor who is not asked: every method does nothing (`on` answers a no-op unsubscribe). */
const idle = {};

/** Replays the queued calls on the real (or idle) Survey, in order. */
function flush(target) {
  survey = target;
  target.on("open", () => (shown = true));
  target.on("close", () => (shown = false));
  for (const [name, args, done] of queue.splice(0)) {
    const r = target[name](...args);
    if (done) done(r);
  }
  settleFirst(target);
  return target;
}

function call(name, args) {
  if (survey) return survey[name](...args);
  if (name !== "on") return void queue.push([name, args]);
  // `on` answers an unsubscribe at once, live once the widget is there.
  let off = null;
  const entry = ["on", args, (f) => (off = f)];
  queue.push(entry);
  return () => (off ? off() : queue.splice(queue.indexOf(entry) >>> 0, 1));
}

/** The page as `pages` sees it: the path, and a hash route (`#/…`) when the page has one. */
const here = () => location.pathname + (location.hash.match(/^#\/.*/) || "");

async function start() {
  const c = config;
  // Targeting comes first: on a page the config leaves out nothing is read, asked or loaded.
  if (!onPage(c.pages || [], here())) return flush(idle);
  let consent = consentGiven ?? (c.consent === undefined || c.consent);
  if (typeof consent === "function") consent = await consent();
  const env = { nowMs: Date.now(), gpc: !!navigator.globalPrivacyControl, consent: consent === true };
  let answer = decide(c, {}, env);
  // Responses still pending delivery are always flushed, asked or not (docs/reliability.md §1.4): the
  // widget is loaded told not to ask, which its own rules then confirm.
  let pending;
  try {
    pending = Object.keys(localStorage).some((k) => k.startsWith(OUTBOX));
    // Only with consent, and without GPC, is the visitor's memory read or written. (Where
    // storage cannot be read, the answer stays the one without memory: no draw, so asked only
    // at sampleRate 1, the core's rule. The decision comes before the write, which may fail.)
    if (answer != "gpc" && answer != "no-consent") {
      const memory = readMemory(localStorage.getItem(MEMORY_KEY));
      drawFor(memory, Math.random());
      answer = decide(c, memory, env);
      localStorage.setItem(MEMORY_KEY, JSON.stringify(memory));
    }
  } catch {}
  if (config !== c) return latest;
  // An older browser (no <dialog>, no constructable stylesheets: README "Browser support") is
  // not asked: nothing is shown, and nothing fails on the page.
  asked = answer === "ask" && document.adoptedStyleSheets;
  // A config the loader cannot act on (no endpoint, a sampleRate that is not a number from 0 to
  // 1, an attribute it could not read) is not judged here, which would not fit the loader's
  // budget: the widget is loaded, told not to ask, and its full check of the config names the
  // mistake in one console message and rejects init(). (Unknown keys are left to the widget's
  // check when it loads: their list no longer fits the budget beside page targeting.)
  const doubtful = unreadable || !c.endpoint || !(Math.abs((c.sampleRate ?? 1) - 0.5) <= 0.5);
  if (!asked && !pending && !doubtful) return flush(idle);
  const opts = { integrity: WASM_SRI, credentials: "omit" };
  const wasm = fetch(new URL(WASM, base), opts);
  // Awaited below, by the wasm initializer; until then a failure must not count as unhandled.
  wasm.catch(() => {});
  // The module is checked by fetching it with its hash first; import() itself takes none.
  const moduleUrl = new URL(MODULE, base).href;
  await fetch(moduleUrl, { integrity: MODULE_SRI, credentials: "omit" });
  const mod = await import(moduleUrl);
  await mod.default(wasm);
  // A newer init() started while this one loaded: that one wins (this config is not checked).
  if (config !== c) return latest;
  const cfg = { ...c };
  // `pages` is the loader's alone: the widget's check of the config does not know it.
  delete cfg.pages;
  if (typeof cfg.consent !== "function") delete cfg.consent;
  if (!asked) cfg.consent = false;
  const made = await mod.init(cfg).catch((e) => {
    // The widget logged its error itself: it is not logged again.
    throw (e.logged = e);
  });
  // A newer init() started while this one loaded: that one wins, this widget goes.
  if (config !== c) {
    made.destroy();
    return latest;
  }
  return flush(made);
}

/** The promise of the newest run: what an overtaken run resolves to. */
let latest;

function run(next) {
  config = next;
  const p = start().catch((err) => {
    if (config !== next) return latest;
    if (!err?.logged) console.error("eservqual:", err?.message || err);
    flush(idle);
    throw err;
  });
  // The page may never look at the promise: a rejection must not surface as uncaught.
  p.catch(() => {});
  latest = p;
  return p;
}

/** Starts over with `next`: the current widget goes (destroy() keeps the visitor's draft). */
function again(next) {
  shown = false;
  survey?.destroy();
  survey = null;
  return run(next);
}

/** The page last decided on. */
let seen = here();
/** A single-page app went to another page: the targeting and the rules are decided again (a
 * page the widget is on counts one more page view, as a load does). */
function moved() {
  if (seen !== (seen = here()) && config && !(shown && onPage(config.pages || [], seen))) again({ ...config });
}
for (const name of ["pushState", "replaceState"]) {
  const original = history[name];
  // (Both return undefined.)
  history[name] = function (...a) {
    original.apply(this, a);
    moved();
  };
}
addEventListener("popstate", moved);
addEventListener("hashchange", moved);

w.eservqual = {
  ready,
  init: (more) => again({ ...fromTag, ...more }),
  consent(yes) {
    consentGiven = yes === true;
    // Not asked so far (the idle Survey, or the one that only delivers): decide again.
    if (yes === true && survey && !asked) again(config);
  },
};
// The Survey's methods, queued until the widget is there.
for (const name of ["open", "close", "destroy", "trigger", "on"]) {
  idle[name] = () => () => {};
  w.eservqual[name] = (...a) => call(name, a);
}
