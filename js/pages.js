// Page targeting for the script-tag loader (`pages` / `data-pages`): which pages of a site the
// widget is on. Pure, so tests/js/pages.test.mjs runs it in Node.

/**
 * Whether `path` is one of `pages`: URL patterns matched on the whole path, where `*` stands
 * for any run of characters (`/` included) and a leading `!` excludes. An exclude wins; with no
 * include pattern every page not excluded is in. A `pages` that is not an array of strings
 * throws a TypeError that names it.
 */
export function onPage(pages, path) {
  // null: no include pattern so far; then whether one of them matched.
  let included = null;
  let excluded = false;
  // (Something that is not an array is looked at as the list [0], which fails as a non-string.)
  for (const p of Array.isArray(pages) ? pages : [0]) {
    if (typeof p != "string") throw TypeError("pages: expected a list of strings");
    const out = p[0] == "!";
    // Every character but letters, digits and `_` is escaped (in a RegExp without the `u` flag
    // an escaped punctuation character stands for itself), and `*` becomes `.*`.
    const hit = RegExp("^" + p.slice(out).replace(/\W/g, (c) => (c == "*" ? ".*" : "\\" + c)) + "$").test(path);
    // (Every pattern is looked at, so a mistake in one is named on every page.)
    if (out) excluded = excluded || hit;
    else included = included || hit;
  }
  return !excluded && included !== false;
}
