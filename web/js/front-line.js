// The front line: every border (shared, or across a gap such as a river) whose two districts are
// held by hostile sides: factions of different alliances. Allies have no front between them, and
// a contested district is the front zone itself (drawn hatched), not one side of a line.
// A border gets its SVG paths the first time it is on the front and is then only shown or hidden,
// so a repaint touches just the borders next to a changed district, and borders never on the
// front cost nothing.

const L = window.L;

export class FrontLine {
  /**
   * @param {L.Map} map
   * @param {object} geojson /api/borders (MultiLineString features)
   * @param {string[]} districtIds slot order of the district layer
   * @param {{id:string,alliance?:string}[]} factions
   */
  constructor(map, geojson, districtIds, factions) {
    this.side = new Map(factions.map((f) => [f.id, f.alliance ?? f.id]));
    const slot = new Map(districtIds.map((id, i) => [id, i]));
    map.createPane('front').style.zIndex = '450';
    // Two SVGs, halos first, so every halo lies under every core whatever order borders appear in.
    this.haloRenderer = L.svg({ pane: 'front', padding: 0.5 });
    this.coreRenderer = L.svg({ pane: 'front', padding: 0.5 });
    // A dark halo under a white core: legible on every faction colour and on grey, without an
    // SVG filter (a drop-shadow on the pane costs ~40 ms a frame with 5,000 districts).
    this.haloGroup = L.layerGroup().addTo(map);
    this.coreGroup = L.layerGroup().addTo(map);
    this.ids = districtIds;
    this.a = [];
    this.b = [];
    this.coords = [];
    this.core = [];
    this.halo = [];
    this.shown = [];
    this.touching = districtIds.map(() => []);
    for (const f of geojson.features) {
      const [a, b] = [slot.get(f.properties.district_a), slot.get(f.properties.district_b)];
      if (a === undefined || b === undefined || !f.geometry) continue;
      const i = this.a.length;
      this.a.push(a);
      this.b.push(b);
      this.coords.push(f.geometry.type === 'LineString' ? [f.geometry.coordinates] : f.geometry.coordinates);
      this.core.push(null);
      this.halo.push(null);
      this.shown.push(false);
      this.touching[a].push(i);
      this.touching[b].push(i);
    }
  }

  /** Creates border `i`'s two paths, on its first appearance in the front. */
  draw(i) {
    const latlngs = L.GeoJSON.coordsToLatLngs(this.coords[i], 1);
    const common = { interactive: false, lineCap: 'round' };
    this.halo[i] = L.polyline(latlngs, { ...common, renderer: this.haloRenderer, color: '#111111', weight: 5, opacity: 0.9 })
      .addTo(this.haloGroup);
    this.core[i] = L.polyline(latlngs, {
      ...common, renderer: this.coreRenderer, color: '#ffffff', weight: 2.5, opacity: 1, className: 'front',
    }).addTo(this.coreGroup);
    this.core[i]._path.setAttribute('data-border', `${this.ids[this.a[i]]}|${this.ids[this.b[i]]}`);
  }

  /** Whether side keys `a` and `b` are both held, by factions of different alliances. */
  hostile(a, b) {
    const held = (k) => k !== 'unknown' && !k.startsWith('contested:');
    return held(a) && held(b) && this.side.get(a) !== this.side.get(b);
  }

  /** Updates the borders next to `changedSlots` from the side keys by slot. */
  update(keys, changedSlots) {
    const seen = new Set();
    for (const s of changedSlots) {
      for (const i of this.touching[s]) {
        if (seen.has(i)) continue;
        seen.add(i);
        const ka = keys[this.a[i]];
        const kb = keys[this.b[i]];
        const front = this.hostile(ka, kb);
        if (front === this.shown[i]) continue;
        this.shown[i] = front;
        if (!this.core[i]) { this.draw(i); continue; }
        const display = front ? '' : 'none';
        this.core[i]._path.style.display = display;
        this.halo[i]._path.style.display = display;
      }
    }
  }
}
