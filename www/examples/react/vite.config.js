// As the Vite example (www/examples/vite): the widget's module finds its wasm beside itself
// (new URL(..., import.meta.url)), which Vite follows when building; the dev server's dependency
// pre-bundling would move the module away from its wasm, so the package is left out of it.
// JSX (src/main.jsx) is compiled by Vite itself with React's automatic runtime: no plugin.
// The build keeps React's development build: only there does StrictMode mount, unmount and
// mount again, which the end-to-end test (tests/e2e/react.test.mjs) is about. An app's own
// production build leaves the define out.
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  define: { "process.env.NODE_ENV": JSON.stringify("development") },
  optimizeDeps: { exclude: ["eservqual", "eservqual/react"] },
  build: { target: "es2022" },
});
