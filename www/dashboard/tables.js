// The data tables that go with every chart (and the alpha and item tables).
import { badge, clear, el, $ } from './dom.js';
import { t } from './i18n.js';

export const lowBadge = () => badge(t('low'), 'low', t('low.title'));
export function table(containerId, caption, cols, rows) {
  const wrap = clear($(containerId));
  const tbl = el('table');
  tbl.appendChild(el('caption', null, caption));
  const thead = el('thead');
  const hr = el('tr');
  cols.forEach((c) => {
    const th = el('th', c.num ? 'num' : null, c.label);
    th.scope = 'col';
    hr.appendChild(th);
  });
  thead.appendChild(hr);
  tbl.appendChild(thead);
  const tbody = el('tbody');
  rows.forEach((r) => {
    const tr = el('tr', r.cls || null);
    r.cells.forEach((cell, i) => {
      const c = cell !== null && typeof cell === 'object' ? cell : { text: cell };
      const td = el(i === 0 ? 'th' : 'td', cols[i] && cols[i].num ? 'num' : null, c.text);
      if (i === 0) td.scope = 'row';
      (c.badges || []).forEach((b) => td.appendChild(b));
      tr.appendChild(td);
    });
    tbody.appendChild(tr);
  });
  tbl.appendChild(tbody);
  wrap.appendChild(tbl);
  wrap.setAttribute('role', 'region');
  wrap.setAttribute('aria-label', caption);
  wrap.tabIndex = 0;
}
