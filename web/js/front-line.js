// The front line: every border (shared, or across a gap such as a river) whose two districts are
// held by hostile sides: factions of different alliances. Allies have no front between them, and
// a contested district is the front zone itself (drawn striped), not one side of a line.
// Borders come with the geometry tiles; which two districts each lies between comes from
// /api/borders.bin. A repaint sets the state of just the borders next to a changed district.

import { SOURCE } from './map-layer.js';

/** Decodes /api/borders.bin (layout in the README): district slots a and b by border index. */
export function decodeBorders(buffer) {
  const view = new DataView(buffer);
  const magic = String.fromCharCode(...new Uint8Array(buffer, 0, 4));
  if (magic !== 'FLBD' || view.getUint16(4, true) !== 1) throw new Error('/api/borders.bin: not a version 1 border table');
  const count = view.getUint32(8, true);
  const pairs = new Uint32Array(buffer.slice(16, 16 + 8 * count));
  return { count, pairs };
}

/**
 * The front line's layers, in the map's style from the start: a border is drawn where its
 * feature state says it is on the front, and is a zero-width line (nothing to rasterise)
 * elsewhere.
 */
export function frontLayers() {
  // Round joins and caps from zoom 10 in; further out the line is a pixel or two wide, where
  // they look the same as square ones and would double the vertices each step uploads.
  const rounded = (kind) => ['step', ['zoom'], kind, 10, 'round'];
  const layout = { 'line-cap': rounded('butt'), 'line-join': rounded('miter') };
  const common = { type: 'line', source: SOURCE, 'source-layer': 'borders', layout };
  // Thinner zoomed out, where districts are a few pixels wide and a full-width line would
  // bury the front zone under it.
  const on = (w) => ['case', ['boolean', ['feature-state', 'front'], false], w, 0];
  const width = (w) => ['interpolate', ['linear'], ['zoom'], 5, on(w * 0.25), 10, on(w)];
  // A dark halo under a white core: legible on every faction colour and on grey.
  return [
    { ...common, id: 'front-halo', paint: { 'line-color': '#111111', 'line-width': width(5), 'line-opacity': 0.9 } },
    { ...common, id: 'front-core', paint: { 'line-color': '#ffffff', 'line-width': width(2.5) } },
  ];
}

export class FrontLine {
  /**
   * @param {maplibregl.Map} map
   * @param {{count:number,pairs:Uint32Array}} table as decodeBorders gives it
   * @param {number} districts how many districts
   * @param {{id:string,alliance?:string}[]} factions
   * @param {import('./drawn-zoom.js').DrawnZoom} zoom the deepest zoom the map draws
   * @param {number} from the first zoom whose tiles carry the borders between districts (further
   * out the blocks draw the front: blocks.js)
   */
  constructor(map, table, districts, factions, zoom, from) {
    this.map = map;
    this.zoom = zoom;
    this.from = from;
    /** Districts whose side changed while their borders were not drawn, and the side keys by
     * slot they are followed from when the map zooms in to them. */
    this.pending = new Set();
    this.keys = null;
    zoom.onDeeper(() => { if (zoom.drawn(from)) this.settle(); });
    this.side = new Map(factions.map((f) => [f.id, f.alliance ?? f.id]));
    this.pairs = table.pairs;
    this.shown = new Uint8Array(table.count);
    // The borders touching each district (CSR).
    this.first = new Uint32Array(districts + 1);
    for (const d of this.pairs) this.first[d + 1] += 1;
    for (let i = 0; i < districts; i += 1) this.first[i + 1] += this.first[i];
    const fill = this.first.slice(0, districts);
    this.touching = new Uint32Array(this.pairs.length);
    for (let k = 0; k < this.pairs.length; k += 1) this.touching[fill[this.pairs[k]]++] = k >> 1;
  }

  /** Whether side keys `a` and `b` are both held, by factions of different alliances. */
  hostile(a, b) {
    const held = (k) => k !== 'unknown' && !k.startsWith('contested:');
    return held(a) && held(b) && this.side.get(a) !== this.side.get(b);
  }

  /** Updates the borders next to `changedSlots` from the side keys by slot (`keys`, kept and
   * read again for what waits). */
  update(keys, changedSlots) {
    this.keys = keys;
    if (!this.zoom.drawn(this.from)) {
      for (const s of changedSlots) this.pending.add(s);
      return;
    }
    this.follow(keys, changedSlots);
  }

  /** Writes the borders held back. */
  settle() {
    if (!this.pending.size) return;
    const slots = [...this.pending];
    this.pending.clear();
    this.follow(this.keys, slots);
  }

  follow(keys, changedSlots) {
    for (const s of changedSlots) {
      for (let k = this.first[s]; k < this.first[s + 1]; k += 1) {
        const i = this.touching[k];
        const front = this.hostile(keys[this.pairs[2 * i]], keys[this.pairs[2 * i + 1]]) ? 1 : 0;
        if (front === this.shown[i]) continue;
        this.shown[i] = front;
        this.map.setFeatureState({ source: SOURCE, sourceLayer: 'borders', id: i }, { front: front === 1 });
      }
    }
  }

  /** The borders on the front now, as `a|b` district id pairs. */
  pairsShown(ids) {
    this.settle();
    const out = [];
    this.shown.forEach((on, i) => { if (on) out.push(`${ids[this.pairs[2 * i]]}|${ids[this.pairs[2 * i + 1]]}`); });
    return out;
  }
}
