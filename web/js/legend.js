// The legend: each faction's colour and the area it holds at the shown date, then contested and
// unknown area. Sums come from the states in the browser, so they always match the map.

import { escapeHtml } from './map-layer.js';

export class Legend {
  /** @param {import('./colors.js').Palette} palette; @param {number[]} areaKm2 by slot */
  constructor(palette, areaKm2) {
    this.palette = palette;
    this.area = areaKm2;
    this.root = document.getElementById('legend-rows');
    const rows = palette.factions.map((f) => [f.id, palette.cssBackground(f.id), f.name]);
    rows.push(['contested', 'repeating-linear-gradient(45deg,#666 0 3px,#fff 3px 6px)', 'Contested']);
    rows.push(['unknown', palette.fillOf('unknown'), 'Unknown']);
    this.root.innerHTML = rows.map(([id, bg, name]) => `<li data-side="${escapeHtml(id)}">
      <span class="swatch" style="background:${bg}"></span><span class="name">${escapeHtml(name)}</span>
      <span class="area" data-area="${escapeHtml(id)}">–</span></li>`).join('');
    this.cells = new Map([...this.root.querySelectorAll('[data-area]')].map((el) => [el.dataset.area, el]));
  }

  /** @param {string[]} keys side key by slot */
  update(keys) {
    const sums = new Map([...this.cells.keys()].map((k) => [k, 0]));
    for (let slot = 0; slot < keys.length; slot += 1) {
      const k = keys[slot].startsWith('contested:') ? 'contested' : keys[slot];
      sums.set(k, (sums.get(k) ?? 0) + this.area[slot]);
    }
    for (const [k, el] of this.cells) el.textContent = `${formatKm2(sums.get(k))}`;
  }
}

export function formatKm2(v) {
  if (v >= 100) return `${Math.round(v).toLocaleString('en')} km²`;
  return `${v.toFixed(1)} km²`;
}
