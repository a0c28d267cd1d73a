// Building the page's elements: every value is set as text, nothing is parsed as HTML.

export const $ = (id) => document.getElementById(id);

export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
export function badge(text, kind, title) {
  const b = el('span', 'badge badge-' + kind, text);
  if (title) b.title = title;
  return b;
}
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

// A table: `cols` = [{label, num}], `rows` = [{cells: [text | {text, badges}], cls}]; the first
