// District names, drawn only where a district is wide enough on screen to carry one and where
// they do not collide with a bigger district's label, so names appear as you zoom in to city
// scale and never pile up.

import * as maplibregl from './gl.js';

const MIN_PIXELS = 48;
const MAX_LABELS = 250;
const CHAR_PX = 6.4;
const LINE_PX = 13;

/** The short form for a label: "Farouq (Old City)" → "Farouq"; the tooltip keeps the full name. */
export const shortName = (name) => name.replace(/\s*\([^)]*\)\s*$/, '') || name;

export class Labels {
  /** @param {maplibregl.Map} map; @param {import('./map-layer.js').DistrictLayer} districts */
  constructor(map, districts) {
    this.map = map;
    this.districts = districts;
    this.markers = [];
    map.on('moveend', () => this.refresh());
    this.refresh();
  }

  refresh() {
    for (const m of this.markers) m.remove();
    this.markers = [];
    const placed = [];
    const candidates = this.districts.labelCandidates(MIN_PIXELS).sort((a, b) => b.width - a.width);
    for (const c of candidates) {
      if (placed.length >= MAX_LABELS) break;
      const text = shortName(c.name);
      const maxWidth = Math.max(c.width * 0.9, 40);
      const width = Math.min(text.length * CHAR_PX, maxWidth);
      const lines = Math.ceil((text.length * CHAR_PX) / maxWidth);
      const p = this.map.project(c.at);
      const box = { x0: p.x - width / 2 - 2, x1: p.x + width / 2 + 2, y0: p.y - (lines * LINE_PX) / 2, y1: p.y + (lines * LINE_PX) / 2 };
      if (placed.some((b) => b.x0 < box.x1 && box.x0 < b.x1 && b.y0 < box.y1 && box.y0 < b.y1)) continue;
      placed.push(box);
      const el = document.createElement('div');
      el.className = 'district-label';
      const span = document.createElement('span');
      span.textContent = text;
      span.style.maxWidth = `${Math.round(maxWidth)}px`;
      el.append(span);
      this.markers.push(new maplibregl.Marker({ element: el, anchor: 'top-left' }).setLngLat(c.at).addTo(this.map));
    }
  }
}
