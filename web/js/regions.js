// Which region the legend, the chart and the comparison give figures for: a named region of the
// data set (the main one first), the land in view, or the whole data set. A region is its
// districts with the km² of each inside it (/api/regions), so the browser sums shares itself.

import * as api from './api.js';
import { escapeHtml } from './map-layer.js';

const IN_VIEW = 'in-view';

export class RegionPicker {
  /**
   * @param {maplibregl.Map} map
   * @param {object[]} regions /api/regions
   * @param {string[]} ids district slot order
   * @param {(region: object) => void} onChange called with the region whenever it changes
   */
  constructor(map, regions, ids, onChange) {
    this.map = map;
    this.slot = new Map(ids.map((id, i) => [id, i]));
    this.count = ids.length;
    this.onChange = onChange;
    this.select = document.getElementById('region');
    this.note = document.getElementById('region-note');
    // Named regions, then what is in view, then the whole data set (groups are reachable by API).
    this.options = regions.filter((r) => !r.id.startsWith('group:'));
    const main = this.options.find((r) => r.main) ?? this.options[0];
    const option = (value, text) => `<option value="${escapeHtml(value)}">${escapeHtml(text)}</option>`;
    this.select.innerHTML = [
      ...this.options.filter((r) => r.id !== 'all').map((r) => option(r.id, r.name)),
      option(IN_VIEW, 'Land in view'),
      ...this.options.filter((r) => r.id === 'all').map((r) => option(r.id, r.name)),
    ].join('');
    this.select.value = main?.id ?? IN_VIEW;
    this.select.addEventListener('change', () => this.pick());
    let timer = null;
    map.on('moveend', () => {
      if (this.select.value !== IN_VIEW) return;
      clearTimeout(timer);
      timer = setTimeout(() => this.pick(), 200);
    });
  }

  /** The region picked now; resolves once its figures can be shown. */
  async pick() {
    const value = this.select.value;
    let region;
    if (value === IN_VIEW) {
      const b = this.map.getBounds();
      const clamp = (v, m) => Math.max(-m, Math.min(m, v));
      region = await api.region({ bbox: [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)] });
      region.name = 'Land in view';
      region.selector = { bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] };
    } else {
      region = this.options.find((r) => r.id === value);
    }
    if (value !== this.select.value) return null;
    region.weights = new Float64Array(this.count);
    for (const [id, km2] of region.members) {
      const i = this.slot.get(id);
      if (i !== undefined) region.weights[i] = km2;
    }
    this.current = region;
    const rough = region.approximate
      ? ` · boundaries approximate${region.approximate_percent < 99.5 ? ` for ${Math.round(region.approximate_percent)} %` : ''}: areas are rough`
      : '';
    this.note.textContent = `${region.districts} districts, ${region.area_km2.toLocaleString('en', { maximumFractionDigits: 1 })} km²${rough}`;
    document.body.dataset.region = region.id;
    this.onChange(region);
    return region;
  }
}
