// Page targeting (js/pages.js): which paths the loader's `pages` patterns take in, compared with
// lists written out by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { onPage } from "../../js/pages.js";

const PATHS = ["/", "/shop", "/shop/", "/shop/tea", "/shop/tea/green", "/shop/cart", "/shop/cart/edit", "/shopping", "/blog/shop/x", "/a.b", "/aXb"];

/** The paths of PATHS that `pages` takes in. */
const taken = (pages) => PATHS.filter((p) => onPage(pages, p));

test("no pattern, or only excludes: every page not excluded", () => {
  assert.deepEqual(taken([]), PATHS);
  assert.deepEqual(taken(["!/shop/cart"]), PATHS.filter((p) => p !== "/shop/cart"));
  assert.deepEqual(taken(["!/shop/*"]), ["/", "/shop", "/shopping", "/blog/shop/x", "/a.b", "/aXb"]);
});

test("a pattern matches the whole path; `*` is any run of characters, `/` included", () => {
  assert.deepEqual(taken(["/shop"]), ["/shop"]);
  assert.deepEqual(taken(["/shop/*"]), ["/shop/", "/shop/tea", "/shop/tea/green", "/shop/cart", "/shop/cart/edit"]);
  assert.deepEqual(taken(["/shop*"]), ["/shop", "/shop/", "/shop/tea", "/shop/tea/green", "/shop/cart", "/shop/cart/edit", "/shopping"]);
  assert.deepEqual(taken(["*/shop/*"]), ["/shop/", "/shop/tea", "/shop/tea/green", "/shop/cart", "/shop/cart/edit", "/blog/shop/x"]);
  assert.deepEqual(taken(["/shop/*/green"]), ["/shop/tea/green"]);
  assert.deepEqual(taken(["*"]), PATHS);
});

test("includes add up; an exclude wins over any include, in any order", () => {
  assert.deepEqual(taken(["/", "/shop/tea"]), ["/", "/shop/tea"]);
  assert.deepEqual(taken(["/shop/*", "!/shop/cart*"]), ["/shop/", "/shop/tea", "/shop/tea/green"]);
  assert.deepEqual(taken(["!/shop/cart*", "/shop/*"]), ["/shop/", "/shop/tea", "/shop/tea/green"]);
  assert.deepEqual(taken(["/shop/cart", "!/shop/cart"]), []);
});

test("every other character stands for itself", () => {
  assert.deepEqual(taken(["/a.b"]), ["/a.b"]);
  assert.equal(onPage(["/(x)+[y]?$^|{2}\\"], "/(x)+[y]?$^|{2}\\"), true);
  assert.equal(onPage(["/(x)+"], "/xx"), false);
  assert.equal(onPage(["/caf\u00e9/\u{1f375}"], "/caf\u00e9/\u{1f375}"), true);
  assert.equal(onPage(["/%E2%9C%93"], "/%E2%9C%93"), true);
  // `!` excludes only in front.
  assert.equal(onPage(["/a!b"], "/a!b"), true);
});

test("a hash route is part of the path the patterns see", () => {
  assert.equal(onPage(["/app#/cart"], "/app#/cart"), true);
  assert.equal(onPage(["!*#/cart*"], "/app#/cart/3"), false);
  assert.equal(onPage(["!*#/cart*"], "/app#/shop"), true);
});

test("a `pages` that is not a list of strings throws a TypeError", () => {
  for (const pages of ["/shop/*", 3, { 0: "/" }, [3], [null], ["/", ["/x"]], [{}], null, undefined, [undefined]]) {
    assert.throws(() => onPage(pages, "/x"), { name: "TypeError", message: "pages: expected a list of strings" }, JSON.stringify(pages));
  }
});
