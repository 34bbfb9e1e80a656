// The inspect panel: a district's whole control history, oldest first, with the sources behind
// each state. The state in force at the shown date is marked; each date jumps the timeline there.
// States corrected or withdrawn later are listed apart, with when they were believed; a signed-in
// editor records changes from here (see editor.js).

import * as api from './api.js';
import { sideKey } from './control.js';
import { escapeHtml } from './map-layer.js';
import { displayString } from './time.js';

export class Panel {
  /**
   * @param {import('./colors.js').Palette} palette
   * @param {{onClose: () => void, onJump: (t: number) => void, onOpen: (id: string) => void,
   *   onShown?: (id: string) => void, onWritten?: (id: string) => void}} on called on closing, on a
   *   date picked, on opening (before the history arrives), once the history is shown and after an
   *   editor's write was accepted
   * @param {import('./editor.js').Editor} [editor]
   */
  constructor(palette, on, editor) {
    this.palette = palette;
    this.on = on;
    this.editor = editor;
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
      const editing = this.editor ? await this.editor.render(h) : '';
      if (this.id !== id) return;
      this.body.innerHTML = this.render(h) + editing;
      this.editor?.bind(this.body, id, () => this.on.onWritten?.(id));
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
    const past = h.superseded ?? [];
    const corrected = past.length
      ? `<details class="superseded"><summary>Corrected or withdrawn (${past.length})</summary>
         <table class="history"><thead><tr><th>Who</th><th>From</th><th>To</th><th>Believed</th></tr></thead><tbody>
         ${past.map((s) => this.pastRow(s)).join('')}</tbody></table></details>`
      : '';
    return `<p class="muted">${facts}</p>${alt}${table}${corrected}`;
  }

  /** A state no longer believed: what it said, and from when to when it was believed. */
  pastRow(s) {
    const key = sideKey(s);
    const when = (t) => escapeHtml(displayString(Date.parse(t)));
    return `<tr class="past" data-from="${Date.parse(s.valid_from)}">
      <td><span class="swatch" style="background:${this.palette.cssBackground(key)}"></span>${escapeHtml(this.palette.labelOf(key))}</td>
      <td>${when(s.valid_from)}</td><td>${s.valid_to ? when(s.valid_to) : '<em>still</em>'}</td>
      <td>${when(s.recorded_at)} – ${when(s.superseded_at)}</td></tr>`;
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
    const corrected = s.superseded_at
      ? `<p class="corrected">Corrected later, on ${escapeHtml(displayString(Date.parse(s.superseded_at)))}</p>` : '';
    const withdraw = this.editor?.signedIn && !this.editor.readOnly
      ? `<button type="button" class="withdraw" data-withdraw="${escapeHtml(s.id)}" title="Withdraw this state: it should never have been recorded">Withdraw…</button>` : '';
    const from = Date.parse(s.valid_from);
    const to = s.valid_to ? Date.parse(s.valid_to) : null;
    const jump = (t) => `<button type="button" class="date-link" data-t="${t}" title="Show the map on this date">${escapeHtml(displayString(t))}</button>`;
    return `<tr class="state${s.superseded_at ? ' was-corrected' : ''}" data-status="${s.status}" data-faction="${escapeHtml(s.faction ?? '')}" data-from="${from}" data-to="${to ?? ''}">
      <td>${swatch}${escapeHtml(this.palette.labelOf(key))}</td>
      <td>${jump(from)}</td>
      <td>${to !== null ? jump(to) : '<em>still</em>'}</td>
      <td>${escapeHtml(s.confidence ?? '')}</td></tr>
      <tr class="sources"><td colspan="4">${corrected}${note}${sources ? `<ul>${sources}</ul>` : ''}${withdraw}</td></tr>`;
  }
}
