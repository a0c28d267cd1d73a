// The widget's ES module finds its wasm beside itself (new URL(..., import.meta.url)), which
// Vite follows when building; the dev server's dependency pre-bundling would move the module
// away from its wasm, so the package is left out of it.
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  optimizeDeps: { exclude: ["eservqual"] },
  build: { target: "es2022" },
});
