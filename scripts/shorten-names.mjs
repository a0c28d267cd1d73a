// Shortens the names the wasm and its wasm-bindgen glue share (imports such as
// `__wbg_createElement_e3877bd2fa33d008`, exports such as `survey_open`) to one or two letters,
// in both files: the hashed import names are noise that gzip cannot compress, ~2 KB of the
// download. binaryen picks the names and prints the mapping; this rewrites the glue to match.
//
//   node scripts/shorten-names.mjs WASM_OPT IN.wasm GLUE.js OUT.wasm
//
// GLUE.js is rewritten in place. The import module becomes `a`; an import is renamed wherever its (unique, hashed) name occurs
// in the glue; an export only where the glue reads it, as `wasm.NAME`.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const [wasmOpt, input, glue, output] = process.argv.slice(2);
const map = execFileSync(wasmOpt, ["--minify-imports-and-exports-and-modules", input, "-o", output], { encoding: "utf8" });

// The mapping is ["module", "name", "short"] per import and ["name", "short"] per export, one
// a line (binaryen's text is not strict JSON: it may end a list with a comma).
const imports = [...map.matchAll(/^\s*\["[^"]*", "([^"]+)", "([^"]+)"\]/gm)].map((m) => [m[1], m[2]]);
const exports = [...map.matchAll(/^\s*\["([^"]+)", "([^"]+)"\]/gm)].map((m) => [m[1], m[2]]);
if (imports.length === 0 || exports.length === 0) {
  throw new Error("shorten-names: no mapping in wasm-opt's output:\n" + map);
}

let js = readFileSync(glue, "utf8");
// binaryen names the one import module `a`.
const module = /"\.\/eservqual_wasm_bg\.js": import0/;
if (!module.test(js)) throw new Error("shorten-names: the glue's import module is not ./eservqual_wasm_bg.js");
js = js.replace(module, '"a": import0');
const escape = (s) => s.replace(/[$]/g, "\\$");
for (const [name, short] of imports) {
  // The glue declares each import as a member `NAME: function(...)` of its imports object.
  const re = new RegExp(`(?<![\\w$])${escape(name)}(?![\\w$])`, "g");
  if (!re.test(js)) throw new Error(`shorten-names: import ${name} is not in the glue`);
  js = js.replace(re, () => JSON.stringify(short));
}
for (const [name, short] of exports) {
  const re = new RegExp(`\\bwasm\\.${escape(name)}(?![\\w$])`, "g");
  js = js.replace(re, () => `wasm[${JSON.stringify(short)}]`);
}
writeFileSync(glue, js);
