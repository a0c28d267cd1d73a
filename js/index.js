// The `eservqual` ES module (pkg/eservqual.js, bundled with the wasm-bindgen glue at build
// time): the documented JS API over the wasm. Importing it has no side effect and touches no
// browser global; the wasm is fetched on the first `init(config)` or `load()`.
import loadGlue, * as wasm from "./wasm-glue.js";

let loading = null;
let ready = false;

/**
 * Loads and instantiates the wasm once (later calls share the first). `source` is what
 * wasm-bindgen's initializer takes — a URL, a Response or its Promise, bytes, a module — and
 * defaults to `eservqual_wasm_bg.wasm` beside this file.
 */
export default function load(source) {
  if (!loading) {
    loading = loadGlue(source === undefined ? undefined : { module_or_path: source }).then(
      (exports) => {
        ready = true;
        return exports;
      },
      (err) => {
        loading = null;
        throw err;
      },
    );
  }
  return loading;
}

/** Creates the widget: resolves to a Survey, or rejects with an EservqualError. */
export async function init(config) {
  await load();
  // An older browser (README "Browser support": no constructable stylesheets, no `:has()`) is
  // never asked: the widget is made as without consent, so it shows nothing and only delivers.
  if (!document.adoptedStyleSheets || !CSS.supports("selector(:has(a))")) config = { ...config, consent: false };
  try {
    // Without consent the widget never asks, so it shows no text: it only delivers what is
    // pending (the loader's case for a visitor who is not asked), and needs no wording file.
    if (!(config && config.consent === false)) await loadText(wasm.textLocale(config));
    return await wasm.init(config);
  } catch (err) {
    // The mistake, once on the console: the key, what is allowed, and the value found (a
    // string quoted, its first 40 characters; a number as it is), which only this side has.
    // (Anything else thrown, such as a trap of the wasm, is written as it is.)
    let value = config;
    for (const key of String(err.field).split(/[.[\]]/)) if (key) value = value?.[key];
    const type = typeof value;
    if (type == "string" || type == "number") {
      err.message = err.message.replace(/, found .*/, "") + ", found " + (type == "string" ? JSON.stringify(value.slice(0, 40)) : value);
    }
    console.error("eservqual: " + (err.field ? err.field + ": " : "") + err.message);
    throw err;
  }
}

// The wording of each built-in locale is a file beside this one (text-<tag>.txt); a visitor
// downloads only the one the widget speaks. The build writes in each file's SRI hash, so the
// text is held to this module's integrity. One literal URL per file, which bundlers follow.
const TEXT_URL = {
  en: () => new URL("text-en.txt", import.meta.url),
  "zh-CN": () => new URL("text-zh-CN.txt", import.meta.url),
  "zh-TW": () => new URL("text-zh-TW.txt", import.meta.url),
};
const texts = {};

/** Fetches and installs the wording of `tag` once per page (a failure may be retried). */
function loadText(tag) {
  if (!texts[tag]) {
    texts[tag] = fetch(TEXT_URL[tag](), { integrity: __ESQ_TEXT_SRI__[tag], credentials: "omit" })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((text) => {
        if (!wasm.installText(tag, text)) throw new Error("not this build's text");
      })
      .catch((cause) => {
        delete texts[tag];
        // init() writes its one console message.
        throw notLoaded(`the ${tag} wording could not be loaded (${cause.message})`);
      });
  }
  return texts[tag];
}

function notLoaded(message) {
  const err = new Error(message);
  err.name = "EservqualError";
  err.code = "not-loaded";
  err.field = "";
  return err;
}

/** Scores one response (pure). The wasm must be loaded: await `load()` or `init()` first. */
export function score(input) {
  if (!ready) throw notLoaded("eservqual: not loaded: await load() or init() first");
  return wasm.score(input);
}

/** The package version (needs the wasm, like `score`). */
export function version() {
  return ready ? wasm.version() : undefined;
}
