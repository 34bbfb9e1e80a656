// The legend: each faction's colour and the area it holds at the shown date within the picked
// region, in km² and as a share of the region, then contested (the front zone) and unknown area.
// Sums come from the states in the browser, so they always match the map.

import { escapeHtml } from './map-layer.js';

export class Legend {
  /** @param {import('./colors.js').Palette} palette */
  constructor(palette) {
    this.palette = palette;
    this.weights = null;
    this.total = 0;
    this.approximate = false;
    this.root = document.getElementById('legend-rows');
    const rows = palette.factions.map((f) => [f.id, palette.cssBackground(f.id), f.name]);
    rows.push(['contested', 'repeating-linear-gradient(45deg,#666 0 3px,#fff 3px 6px)', 'Contested: the front zone (striped when zoomed in)']);
    rows.push(['unknown', palette.fillOf('unknown'), 'Unknown']);
    this.root.innerHTML = rows.map(([id, bg, name]) => `<li data-side="${escapeHtml(id)}">
      <span class="swatch" style="background:${bg}"></span><span class="name">${escapeHtml(name)}</span>
      <span class="area" data-area="${escapeHtml(id)}">–</span></li>`).join('')
      + '<li class="front-key"><span class="swatch line"></span><span class="name">Front line between hostile sides</span><span></span></li>';
    this.cells = new Map([...this.root.querySelectorAll('[data-area]')].map((el) => [el.dataset.area, el]));
  }

  /** Sets the region: `weights` are each district's km² inside it, by slot. */
  setRegion(region) {
    this.weights = region.weights;
    this.total = region.area_km2;
    this.approximate = region.approximate;
    this.sides = null;
  }

  /**
   * @param {string[]} keys side key by slot
   * @param {number[]} [changed] the slots whose key changed since the last call: only they are
   * counted again (every slot when left out)
   */
  update(keys, changed) {
    if (!this.weights) return;
    if (!this.sides || !changed) {
      // Sums in whole m², so adding and taking away leaves no residue.
      this.units = Array.from(this.weights, (w) => Math.round((w || 0) * 1e6));
      this.sides = new Array(keys.length);
      this.sums = new Map([...this.cells.keys()].map((k) => [k, 0]));
      changed = keys.keys();
    }
    for (const slot of changed) {
      const u = this.units[slot];
      if (!u) continue;
      const was = this.sides[slot];
      if (was !== undefined) this.sums.set(was, this.sums.get(was) - u);
      const k = keys[slot].startsWith('contested:') ? 'contested' : keys[slot];
      this.sides[slot] = k;
      this.sums.set(k, (this.sums.get(k) ?? 0) + u);
    }
    for (const [k, el] of this.cells) {
      const km2 = this.sums.get(k) / 1e6;
      const text = `${this.approximate ? '≈' : ''}${formatKm2(km2)} · ${formatShare(km2, this.total)}`;
      if (el.textContent !== text) el.textContent = text;
      // A side with nothing in the region says nothing about it; contested stays, to explain
      // the stripes whenever they appear.
      el.closest('li').hidden = km2 === 0 && k !== 'contested';
    }
  }
}

export function formatKm2(v) {
  // Thousands set apart by hand: toLocaleString cost a step at 50,000 districts a millisecond.
  if (v >= 100) return `${String(Math.round(v)).replace(/\B(?=(\d{3})+$)/g, ',')} km²`;
  return `${v.toFixed(1)} km²`;
}

/** A share of `total` as a percentage: whole numbers, "<1 %" for a sliver. */
export function formatShare(v, total) {
  if (!(total > 0)) return '– %';
  const p = (v / total) * 100;
  if (p > 0 && p < 1) return '<1 %';
  return `${Math.round(p)} %`;
}
