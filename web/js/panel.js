// The inspect panel: a district's whole control history, with the sources behind each state.

import * as api from './api.js';
import { sideKey } from './control.js';
import { escapeHtml } from './map-layer.js';
import { displayString } from './time.js';

export class Panel {
  /** @param {import('./colors.js').Palette} palette; @param {() => void} onClose */
  constructor(palette, onClose) {
    this.palette = palette;
    this.root = document.getElementById('panel');
    this.body = document.getElementById('panel-body');
    this.title = document.getElementById('panel-title');
    this.onClose = onClose;
    this.id = null;
    document.getElementById('panel-close').addEventListener('click', () => this.close());
    this.root.addEventListener('keydown', (e) => { if (e.key === 'Escape') this.close(); });
  }

  async open(id) {
    this.id = id;
    this.root.hidden = false;
    this.root.dataset.district = id;
    this.title.textContent = id;
    this.body.innerHTML = '<p class="muted">Loading…</p>';
    try {
      const h = await api.history(id);
      if (this.id !== id) return;
      this.title.textContent = h.name;
      this.body.innerHTML = this.render(h);
    } catch (e) {
      if (this.id === id) this.body.innerHTML = `<p class="error">${escapeHtml(e.message)}</p>`;
    }
    this.root.focus();
  }

  close() {
    if (this.root.hidden) return;
    this.root.hidden = true;
    this.id = null;
    delete this.root.dataset.district;
    this.onClose();
  }

  render(h) {
    const facts = [h.group, h.area_km2 != null ? `${h.area_km2.toFixed(2)} km²` : null]
      .filter(Boolean).map(escapeHtml).join(' · ');
    const alt = h.alt_names?.length ? `<p class="muted">Also: ${h.alt_names.map(escapeHtml).join(', ')}</p>` : '';
    const rows = [...h.states].reverse().map((s) => this.row(s)).join('');
    const table = h.states.length
      ? `<table class="history"><thead><tr><th>Who</th><th>From</th><th>To</th><th>Confidence</th></tr></thead>
         <tbody>${rows}</tbody></table>`
      : '<p class="muted">No recorded control: unknown throughout.</p>';
    return `<p class="muted">${facts}</p>${alt}${table}`;
  }

  row(s) {
    const key = sideKey(s);
    const swatch = `<span class="swatch" style="background:${this.palette.cssBackground(key)}"></span>`;
    const sources = (s.source_details ?? []).map((src) => {
      const text = escapeHtml([src.publisher, src.title].filter(Boolean).join(': ') || src.id);
      const when = src.published ? ` <span class="muted">(${escapeHtml(src.published)})</span>` : '';
      return src.url
        ? `<li><a href="${escapeHtml(src.url)}" target="_blank" rel="noopener noreferrer">${text}</a>${when}</li>`
        : `<li>${text}${when}</li>`;
    }).join('');
    const note = s.note ? `<p class="note">${escapeHtml(s.note)}</p>` : '';
    return `<tr class="state" data-status="${s.status}" data-faction="${escapeHtml(s.faction ?? '')}">
      <td>${swatch}${escapeHtml(this.palette.labelOf(key))}</td>
      <td>${escapeHtml(displayString(Date.parse(s.valid_from)))}</td>
      <td>${s.valid_to ? escapeHtml(displayString(Date.parse(s.valid_to))) : '<em>still</em>'}</td>
      <td>${escapeHtml(s.confidence ?? '')}</td></tr>
      <tr class="sources"><td colspan="4">${note}${sources ? `<ul>${sources}</ul>` : ''}</td></tr>`;
  }
}
