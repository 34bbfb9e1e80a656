// The inspect panel: a district's whole control history, oldest first, with the sources behind
// each state. The state in force at the shown date is marked; each date jumps the timeline there.

import * as api from './api.js';
import { sideKey } from './control.js';
import { escapeHtml } from './map-layer.js';
import { displayString } from './time.js';

export class Panel {
  /**
   * @param {import('./colors.js').Palette} palette
   * @param {{onClose: () => void, onJump: (t: number) => void, onOpen: (id: string) => void,
   *   onShown?: (id: string) => void}} on called on closing, on a date picked, on opening (before
   *   the history arrives) and once the history is shown
   */
  constructor(palette, on) {
    this.palette = palette;
    this.on = on;
    this.root = document.getElementById('panel');
    this.body = document.getElementById('panel-body');
    this.title = document.getElementById('panel-title');
    this.id = null;
    this.t = NaN;
    document.getElementById('panel-close').addEventListener('click', () => this.close());
    this.root.addEventListener('keydown', (e) => { if (e.key === 'Escape') this.close(); });
    this.body.addEventListener('click', (e) => {
      const b = e.target.closest('button[data-t]');
      if (b) on.onJump(Number(b.dataset.t));
    });
  }

  async open(id) {
    this.id = id;
    this.root.hidden = false;
    this.root.dataset.district = id;
    this.title.textContent = id;
    this.body.innerHTML = '<p class="muted">Loading…</p>';
    this.on.onOpen(id);
    try {
      const h = await api.history(id);
      if (this.id !== id) return;
      this.title.textContent = h.name;
      this.body.innerHTML = this.render(h);
      this.mark();
      this.on.onShown?.(id);
    } catch (e) {
      if (this.id === id) this.body.innerHTML = `<p class="error">${escapeHtml(e.message)}</p>`;
    }
    this.root.focus({ preventScroll: true });
  }

  close() {
    if (this.root.hidden) return;
    this.root.hidden = true;
    this.id = null;
    delete this.root.dataset.district;
    this.on.onClose();
  }

  /** Marks the state in force at `t` (the newer one at a hand-over instant). */
  setDate(t) {
    this.t = t;
    this.mark();
  }

  mark() {
    let current = null;
    for (const row of this.body.querySelectorAll('tr.state')) {
      const from = Number(row.dataset.from);
      const to = row.dataset.to ? Number(row.dataset.to) : Infinity;
      const now = from <= this.t && this.t < to;
      row.classList.toggle('current', now);
      row.nextElementSibling?.classList.toggle('current', now);
      row.querySelector('.badge')?.remove();
      if (now) {
        current = row;
        row.cells[0].insertAdjacentHTML('beforeend',
          `<span class="badge">in force on ${escapeHtml(displayString(this.t))}</span>`);
      }
    }
    this.root.dataset.current = current ? current.dataset.from : '';
  }

  render(h) {
    const facts = [h.group, h.area_km2 != null ? `${h.area_km2.toFixed(2)} km²` : null,
      h.geometry_quality === 'approximate' ? 'boundary approximate' : null]
      .filter(Boolean).map(escapeHtml).join(' · ');
    const alt = h.alt_names?.length ? `<p class="muted">Also: ${h.alt_names.map(escapeHtml).join(', ')}</p>` : '';
    const rows = h.states.map((s) => this.row(s)).join('');
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
      const note = src.note ? ` <span class="muted source-note">${escapeHtml(src.note)}</span>` : '';
      return src.url
        ? `<li><a href="${escapeHtml(src.url)}" target="_blank" rel="noopener noreferrer">${text}</a>${when}${note}</li>`
        : `<li>${text}${when}${note}</li>`;
    }).join('');
    const note = s.note ? `<p class="note">${escapeHtml(s.note)}</p>` : '';
    const from = Date.parse(s.valid_from);
    const to = s.valid_to ? Date.parse(s.valid_to) : null;
    const jump = (t) => `<button type="button" class="date-link" data-t="${t}" title="Show the map on this date">${escapeHtml(displayString(t))}</button>`;
    return `<tr class="state" data-status="${s.status}" data-faction="${escapeHtml(s.faction ?? '')}" data-from="${from}" data-to="${to ?? ''}">
      <td>${swatch}${escapeHtml(this.palette.labelOf(key))}</td>
      <td>${jump(from)}</td>
      <td>${to !== null ? jump(to) : '<em>still</em>'}</td>
      <td>${escapeHtml(s.confidence ?? '')}</td></tr>
      <tr class="sources"><td colspan="4">${note}${sources ? `<ul>${sources}</ul>` : ''}</td></tr>`;
  }
}
