// Page targeting for the script-tag loader (`pages` / `data-pages`): which pages of a site the
// widget is on. Pure, so tests/js/pages.test.mjs runs it in Node.

/**
 * Whether `path` is one of `pages`: URL patterns matched on the whole path, where `*` stands
 * for any run of characters (`/` included) and a leading `!` excludes. An exclude wins; with no
 * include pattern every page not excluded is in. A `pages` that is not an array, or a pattern
 * that is not a string, throws a TypeError.
 */
export function onPage(pages, path) {
  let included = !pages.some((p) => p[0] != "!");
  for (const p of pages) {
    const out = p[0] == "!";
    // Every character but letters, digits and `_` is escaped (in a RegExp without the `u` flag
    // an escaped punctuation character stands for itself), and `*` becomes `.*`.
    if (RegExp("^" + p.slice(out).replace(/\W/g, (c) => (c == "*" ? ".*" : "\\" + c)) + "$").test(path)) {
      if (out) return false;
      included = true;
    }
  }
  return included;
}
