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
  return wasm.init(config);
}

/** Scores one response (pure). The wasm must be loaded: await `load()` or `init()` first. */
export function score(input) {
  if (!ready) {
    const err = new Error("eservqual: the wasm is not loaded yet: await load() or init() before score()");
    err.name = "EservqualError";
    err.code = "not-loaded";
    err.field = "";
    throw err;
  }
  return wasm.score(input);
}

/** The package version (needs the wasm, like `score`). */
export function version() {
  return ready ? wasm.version() : undefined;
}
