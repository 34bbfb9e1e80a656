// The districts on the map, one SVG path each. A repaint touches only the paths whose side changed
// since the last one, so scrubbing costs O(changed districts) in the DOM.

const L = window.L;

export class DistrictLayer {
  /**
   * @param {L.Map} map
   * @param {object} geojson /api/districts
   * @param {import('./colors.js').Palette} palette
   * @param {(id: string) => void} onSelect called with a district id when one is clicked
   */
  constructor(map, geojson, palette, onSelect) {
    this.palette = palette;
    this.ids = geojson.features.map((f) => String(f.id));
    this.names = geojson.features.map((f) => f.properties.name);
    this.altNames = geojson.features.map((f) => f.properties.alt_names ?? []);
    this.selected = -1;
    this.area = geojson.features.map((f) => f.properties.area_km2 ?? 0);
    this.layers = [];
    this.keys = [];
    const renderer = L.svg({ padding: 0.5 });
    this.group = L.geoJSON(geojson, {
      renderer,
      style: () => ({ color: '#ffffff', weight: 1, opacity: 0.9, fillColor: '#9a9a9a', fillOpacity: 0.6 }),
      onEachFeature: (feature, layer) => {
        const slot = this.layers.length;
        this.layers.push(layer);
        this.keys.push(null);
        layer.on('click', () => onSelect(this.ids[slot]));
        layer.bindTooltip(() => this.tooltip(slot), { sticky: true, direction: 'top', className: 'district-tip' });
      },
    }).addTo(map);
    for (let slot = 0; slot < this.layers.length; slot += 1) {
      const path = this.layers[slot]._path;
      path.setAttribute('data-district', this.ids[slot]);
      path.setAttribute('tabindex', '-1');
      path.classList.add('district');
    }
  }

  /** Outlines district `id` (or nothing, for null) as the one whose history is open. */
  select(id) {
    if (this.selected >= 0) this.layers[this.selected]._path.classList.remove('selected');
    this.selected = id === null ? -1 : this.ids.indexOf(id);
    if (this.selected < 0) return;
    const layer = this.layers[this.selected];
    layer._path.classList.add('selected');
    layer.bringToFront();
  }

  tooltip(slot) {
    const key = this.keys[slot] ?? 'unknown';
    return `<strong>${escapeHtml(this.names[slot])}</strong><br>${escapeHtml(this.palette.labelOf(key))}`;
  }

  /**
   * Paints each district by its state. Returns the slots whose side changed.
   * @param {(object|null)[]} states by slot, as `ControlStates.snapshot` gives them
   */
  paint(states) {
    const changed = [];
    for (let slot = 0; slot < states.length; slot += 1) {
      const state = states[slot];
      const key = state ? state.key : 'unknown';
      if (key === this.keys[slot]) continue;
      this.keys[slot] = key;
      changed.push(slot);
      const path = this.layers[slot]._path;
      const fill = this.palette.fillOf(key);
      this.layers[slot].options.fillColor = fill;
      path.setAttribute('fill', fill);
      path.setAttribute('data-status', state ? state.status : 'unknown');
      path.setAttribute('data-faction', state?.status === 'held' ? state.faction : '');
      path.setAttribute('data-factions', state ? state.factions.join(' ') : '');
      path.setAttribute('fill-opacity', key === 'unknown' ? '0.35' : '0.72');
    }
    return changed;
  }

  /**
   * Outlines the districts that changed hands in the side that gained them and fades the rest;
   * `gains` holds a side key (or null) by slot; null clears the comparison.
   */
  showChanges(gains) {
    this.group.getPane().classList.toggle('comparing', Boolean(gains));
    for (let slot = 0; slot < this.layers.length; slot += 1) {
      const path = this.layers[slot]._path;
      const gained = gains ? gains[slot] : null;
      if (gained) {
        path.setAttribute('data-gained', gained);
        path.setAttribute('stroke', gained.startsWith('contested:') || gained === 'unknown'
          ? '#555555' : this.palette.colorOf(gained));
      } else if (path.hasAttribute('data-gained')) {
        path.removeAttribute('data-gained');
        path.setAttribute('stroke', '#ffffff');
      }
    }
  }

  /** Bounds of the main cluster of districts: far outliers (another city) are left out. */
  mainBounds() {
    const centres = this.layers.map((l) => l.getBounds().getCenter());
    const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
    const mid = L.latLng(median(centres.map((c) => c.lat)), median(centres.map((c) => c.lng)));
    const dist = centres.map((c) => Math.hypot(c.lat - mid.lat, c.lng - mid.lng));
    const limit = Math.max(median(dist) * 4, 1e-6);
    const bounds = L.latLngBounds([]);
    this.layers.forEach((l, i) => { if (dist[i] <= limit) bounds.extend(l.getBounds()); });
    return bounds;
  }

  /** Screen-space label anchors for districts large enough on screen to carry a name. */
  labelCandidates(map, minPixels) {
    const view = map.getBounds();
    const out = [];
    for (let slot = 0; slot < this.layers.length; slot += 1) {
      const b = this.layers[slot].getBounds();
      if (!view.intersects(b)) continue;
      const nw = map.latLngToContainerPoint(b.getNorthWest());
      const se = map.latLngToContainerPoint(b.getSouthEast());
      const width = se.x - nw.x;
      if (width < minPixels || se.y - nw.y < 14) continue;
      out.push({ slot, name: this.names[slot], at: this.layers[slot].getCenter(), width });
    }
    return out;
  }
}

export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
