// Who the map's data comes from: the data set's credits and licence, each context layer's
// attribution, and the basemap's when there is one. A short line in the map's corner links to the
// full list in the side panel. No flag or other mark of the mapping library's makers is shown:
// on a war map it reads as a statement.

import { escapeHtml } from './map-layer.js';

import * as maplibregl from './gl.js';

/** @param {maplibregl.Map} map; @param {object} meta /api/meta */
export function showCredits(map, meta) {
  const list = document.getElementById('credits');
  const items = (meta.credits ?? []).map((c) => {
    const text = escapeHtml(c.text) + (c.licence ? ` <span class="muted">(${escapeHtml(c.licence)})</span>` : '');
    return c.url ? `<li><a href="${escapeHtml(c.url)}" target="_blank" rel="noopener noreferrer">${text}</a></li>` : `<li>${text}</li>`;
  });
  for (const l of meta.layers ?? []) {
    items.push(`<li><strong>${escapeHtml(l.name)}</strong>: ${escapeHtml(l.attribution)}</li>`);
  }
  if (meta.licence) items.push(`<li>Data set licence: ${escapeHtml(meta.licence)}</li>`);
  items.push('<li>Every control state cites its reports: click a district, or see <a href="/api/sources">/api/sources</a>.</li>');
  list.innerHTML = items.join('');
  const short = (meta.credits ?? []).filter((c) => c.licence).map((c) => escapeHtml(c.text.replace(/^[^:]*:\s*/, '')));
  // On a phone the sources give way (cut short with an ellipsis), the link to all credits stays.
  const line = short.length ? `<span class="credits-short">Data: ${short.join(' · ')}</span>&nbsp;·&nbsp;<a href="#credits" class="credits-link">all credits</a>`
    : '<a href="#credits" class="credits-link">Credits</a>';
  map.addControl(new maplibregl.AttributionControl({ compact: false, customAttribution: line }), 'bottom-right');
  map.getContainer().addEventListener('click', (e) => {
    if (!e.target.closest?.('.credits-link')) return;
    e.preventDefault();
    const box = document.getElementById('credits-box');
    box.open = true;
    box.closest('details')?.scrollIntoView({ block: 'nearest' });
  });
}
