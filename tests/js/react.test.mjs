// `eservqual/react` as a server render sees it: the packed tarball of pkg/ (npm pack) unpacked
// into a throw-away app whose React is the repository's (devDependencies), then, in a Node with
// no `window` or `document`, importing the component and renderToString: the inline target
// element is rendered, a popover nothing, and neither the component nor the module behind it
// reads `window` or `document` (a getter on each records who asks); and TypeScript finds the
// component's declarations through the tarball's exports map. Needs scripts/build-wasm.sh.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
let dir;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "eservqual-react-"));
  const tarball = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", dir], { cwd: join(ROOT, "pkg"), encoding: "utf8" }).trim();
  const modules = join(dir, "node_modules");
  mkdirSync(join(modules, "eservqual"), { recursive: true });
  execFileSync("tar", ["-xzf", join(dir, tarball), "-C", join(modules, "eservqual"), "--strip-components=1"]);
  for (const name of ["react", "react-dom"]) symlinkSync(join(ROOT, "node_modules", name), join(modules, name), "dir");
  writeFileSync(join(dir, "package.json"), '{ "name": "ssr-app", "private": true, "type": "module" }');
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `body` as an ES module in the app, after traps on `window` and `document`; its printed JSON. */
function run(body) {
  const file = join(dir, `render-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(
    file,
    `// Who reads window or document: the stack names the file.
const touched = [];
for (const name of ["window", "document"]) {
  Object.defineProperty(globalThis, name, {
    configurable: true,
    get() {
      const stack = new Error().stack;
      if (/node_modules\\/eservqual\\//.test(stack)) touched.push(name + " from " + stack.split("\\n").find((l) => l.includes("/eservqual/")).trim());
      return undefined;
    },
  });
}
const globals = Object.getOwnPropertyNames(globalThis).sort();
const { createElement } = await import("react");
const { renderToString } = await import("react-dom/server");
const mod = await import("eservqual/react");
const out = {};
${body}
out.touched = touched;
out.newGlobals = Object.getOwnPropertyNames(globalThis).sort().filter((g) => !globals.includes(g));
console.log(JSON.stringify(out));
`,
  );
  return JSON.parse(execFileSync(process.execPath, [file], { cwd: dir, encoding: "utf8" }));
}

test("the packed package declares eservqual/react, with React an optional peer", () => {
  const meta = JSON.parse(readFileSync(join(dir, "node_modules/eservqual/package.json"), "utf8"));
  assert.deepEqual(meta.exports["./react"], { types: "./react.d.ts", default: "./react.mjs" });
  assert.ok(meta.peerDependencies.react, "react is a peer");
  assert.equal(meta.peerDependenciesMeta.react.optional, true);
  assert.equal(meta.dependencies, undefined, "nothing is installed with the package");
  for (const f of ["react.mjs", "react.d.ts"]) assert.ok(meta.files.includes(f), f);
  // Nothing of React is bundled into the component: it imports the app's.
  const code = readFileSync(join(dir, "node_modules/eservqual/react.mjs"), "utf8");
  assert.match(code, /from "react"/);
  assert.doesNotMatch(code, /__SECRET_INTERNALS|react\.development|ReactCurrentDispatcher/);
});

test("renderToString renders the inline target and touches no window or document", () => {
  const out = run(`
out.inline = renderToString(createElement(mod.Eservqual, {
  endpoint: "https://collect.example.com/v1/responses",
  mode: "inline",
  outcomes: ["nps"],
  meta: { order: "A-1" },
  id: "survey",
  className: "feedback",
  style: { maxWidth: 640 },
  onDelivered: () => {},
  consent: () => true,
}));
out.popover = renderToString(createElement(mod.Eservqual, { endpoint: "https://collect.example.com/v1/responses" }));
out.same = mod.default === mod.Eservqual;
out.noWindow = typeof window === "undefined" && typeof document === "undefined";
`);
  assert.equal(out.noWindow, true);
  assert.equal(out.inline, '<div id="survey" class="feedback" style="max-width:640px"></div>');
  assert.equal(out.popover, "", "a popover renders nothing of its own");
  assert.equal(out.same, true, "the default export is the component");
  assert.deepEqual(out.touched, [], "neither the component nor the module reads window or document");
  assert.deepEqual(out.newGlobals, [], "importing and rendering sets no global");
});

test("the traps see a read of window from the package (the check can fail)", () => {
  // The same render after the packed module is made to read `window` when imported: the trap
  // must report it, or the test above proves nothing.
  const file = join(dir, "node_modules/eservqual/eservqual.js");
  const original = readFileSync(file, "utf8");
  try {
    writeFileSync(file, `void globalThis.window;\n${original}`);
    const out = run(`out.html = renderToString(createElement(mod.Eservqual, { endpoint: "https://x.example", mode: "inline" }));`);
    assert.equal(out.html, "<div></div>");
    assert.equal(out.touched.length, 1, `${out.touched}`);
    assert.match(out.touched[0], /^window from .*eservqual\.js/);
  } finally {
    writeFileSync(file, original);
  }
});

test("TypeScript finds the types of eservqual/react through the tarball's exports map", () => {
  // The app's own @types/react, as an app with React and TypeScript has it.
  mkdirSync(join(dir, "node_modules/@types"), { recursive: true });
  symlinkSync(join(ROOT, "node_modules/@types/react"), join(dir, "node_modules/@types/react"), "dir");
  writeFileSync(
    join(dir, "app.tsx"),
    `import { Eservqual } from "eservqual/react";
export const ok = <Eservqual endpoint="https://x.example" mode="inline" onSubmit={(d) => d.scores.class} />;
// @ts-expect-error: the detail of "delivered" has no payload
export const bad = <Eservqual endpoint="https://x.example" onDelivered={(d) => d.payload} />;
`,
  );
  const tsc = join(ROOT, "node_modules/.bin/tsc");
  const args = ["--noEmit", "--strict", "--jsx", "react-jsx", "--module", "esnext", "--moduleResolution", "bundler", "--target", "es2022", "--lib", "es2022,dom", "--types", "", "app.tsx"];
  const traced = execFileSync(tsc, [...args, "--traceResolution"], { cwd: dir, encoding: "utf8" });
  assert.match(traced, /Module name 'eservqual\/react' was successfully resolved to '[^']*node_modules\/eservqual\/react\.d\.ts'/);
});
