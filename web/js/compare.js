// Compare: a second date, and what changed hands between it and the shown date, outlined in the
// colour of the side that gained, with the area each side gained or lost.

import { escapeHtml } from './map-layer.js';
import { formatKm2, formatShare } from './legend.js';
import { dateString, displayString, parseInstant } from './time.js';

export class Compare {
  /**
   * @param {import('./control.js').ControlStates} control
   * @param {import('./map-layer.js').DistrictLayer} districts
   * @param {import('./colors.js').Palette} palette
   * @param {() => void} onChange when the comparison date is set or cleared
   */
  constructor(control, districts, palette, onChange) {
    this.control = control;
    this.districts = districts;
    this.palette = palette;
    this.cmp = NaN;
    this.region = null;
    this.input = document.getElementById('compare-date');
    this.summary = document.getElementById('compare-summary');
    this.input.addEventListener('change', () => {
      const t = parseInstant(this.input.value);
      this.input.setCustomValidity(this.input.value && !Number.isFinite(t) ? 'Write the date as YYYY-MM-DD' : '');
      if (this.input.value && !Number.isFinite(t)) { this.input.reportValidity(); return; }
      this.cmp = t;
      onChange();
    });
    document.getElementById('compare-clear').addEventListener('click', () => {
      this.input.value = '';
      this.cmp = NaN;
      onChange();
    });
  }

  /** The region whose gains and losses are summed (districts outside it are still outlined). */
  setRegion(region) {
    this.region = region;
  }

  setDate(cmp) {
    this.cmp = Number.isFinite(cmp) ? cmp : NaN;
    this.input.value = Number.isFinite(cmp) ? dateString(cmp) : '';
  }

  /** Recomputes the comparison against the shown instant `t`. */
  update(t) {
    if (!Number.isFinite(this.cmp)) {
      this.districts.showChanges(null);
      this.summary.hidden = true;
      return;
    }
    const [early, late] = this.cmp <= t ? [this.cmp, t] : [t, this.cmp];
    const gains = new Array(this.control.ids.length).fill(null);
    const net = new Map();
    let count = 0;
    for (let slot = 0; slot < gains.length; slot += 1) {
      const before = this.control.at(slot, early)?.key ?? 'unknown';
      const after = this.control.at(slot, late)?.key ?? 'unknown';
      if (before === after) continue;
      gains[slot] = after;
      const area = this.region ? this.region.weights[slot] : this.districts.area[slot];
      if (!area) continue;
      count += 1;
      net.set(after, (net.get(after) ?? 0) + area);
      net.set(before, (net.get(before) ?? 0) - area);
    }
    this.districts.showChanges(gains);
    const total = this.region?.area_km2 ?? 0;
    const where = this.region ? ` in ${escapeHtml(this.region.name)}` : '';
    const rows = [...net].filter(([, v]) => Math.abs(v) > 1e-9).sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `<li><span class="swatch" style="background:${this.palette.cssBackground(k)}"></span>
        ${escapeHtml(this.palette.labelOf(k))} <strong>${v > 0 ? '+' : '−'}${formatKm2(Math.abs(v))}</strong>
        <span class="muted">(${v > 0 ? '+' : '−'}${formatShare(Math.abs(v), total)})</span></li>`);
    this.summary.hidden = false;
    this.summary.innerHTML = `<p>${count} district${count === 1 ? '' : 's'}${where} changed hands from
      ${escapeHtml(displayString(early))} to ${escapeHtml(displayString(late))}.</p><ul>${rows.join('')}</ul>`;
  }
}
