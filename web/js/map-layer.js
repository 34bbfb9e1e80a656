// The districts on the map: outlines from the server's geometry tiles (drawn by WebGL, whatever
// the number of districts), coloured by feature state. A repaint sets the state of only the
// districts whose side changed, so scrubbing costs O(changed districts), not O(all).
// Contested districts are striped: the first faction's colour with bands of the others' and a
// pale band between them.

import { hatchImage, UNKNOWN_FILL } from './colors.js';

import * as maplibregl from './gl.js';
export const SOURCE = 'geometry';
/** Stripes are drawn from this zoom (MapLibre's, 512-px tiles) in: further out a contested
 * district is a few pixels wide, stripes would not read, and they cost a pass over every
 * district; there it is filled in one front-zone colour instead. */
export const STRIPES_FROM_ZOOM = 9;
export const FRONT_ZONE_FILL = '#4b4b63b8';

const state = (name, fallback) => ['coalesce', ['feature-state', name], fallback];
const fromTiles = { source: SOURCE, 'source-layer': 'districts' };

/**
 * The districts' layers, bottom to top, in the map's style from the start but unseen until the
 * page has the states to paint (the fill at opacity 0, the stripes and selection drawn by
 * feature state): the map fetches and parses the outline tiles once, while the page fetches its
 * data, rather than again for each layer added after. `palette` gives a striped layer per
 * faction.
 */
export function districtLayers(palette) {
  // No fill is antialiased: an antialiased fill draws its outline again in a WebGL program of
  // its own, which software WebGL (SwiftShader) compiles at every load (20–40 ms a program),
  // and the white outlines drawn over the districts smooth their edges.
  // The fill: one feature-state attribute per district, and one that does not vary with zoom:
  // the colour drawn at this zoom with its opacity as alpha (see drawn()). Each step uploads
  // every attribute of every loaded district, so fewer and smaller is faster.
  const fill = {
    id: 'district-fill', type: 'fill', ...fromTiles,
    paint: { 'fill-color': ['to-color', state('drawn', UNKNOWN_RGBA)], 'fill-antialias': false, 'fill-opacity': 0 },
  };
  // One striped layer per faction: shown where that faction contests a district with another.
  const hatches = palette.factions.map((f) => ({
    id: `hatch-${f.id}`, type: 'fill', ...fromTiles, minzoom: STRIPES_FROM_ZOOM,
    paint: { 'fill-pattern': `hatch-${f.id}`, 'fill-antialias': false, 'fill-opacity': ['case', ['in', `|${f.id}|`, state('stripes', '')], 1, 0] },
  }));
  return [fill, ...hatches, {
    id: 'hatch-pale', type: 'fill', ...fromTiles, minzoom: STRIPES_FROM_ZOOM,
    paint: { 'fill-pattern': 'hatch-pale', 'fill-antialias': false, 'fill-opacity': ['case', ['!=', state('stripes', ''), ''], 1, 0] },
  }, {
    id: 'district-outline', type: 'line', ...fromTiles, minzoom: 8,
    paint: { 'line-color': '#ffffff', 'line-opacity': 0.9, 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.1, 9, 0.5, 12, 1] },
  }, {
    id: 'district-selected', type: 'line', ...fromTiles, filter: ['==', ['id'], -1],
    paint: { 'line-color': '#ffd400', 'line-width': 4 },
  }];
}

/** The stripes' images (`hatch-FACTION`, `hatch-pale`), made when the first tile needs them:
 * the map asks its resolver before it counts an image missing. */
export function addHatchImages(map, palette) {
  const images = new Map([
    ...palette.factions.map((f) => [`hatch-${f.id}`, () => hatchImage(palette.colorOf(f.id), 1)]),
    ['hatch-pale', () => hatchImage('#ffffff', 2)],
  ]);
  map.setMissingStyleImageResolver((id) => {
    const make = images.get(id);
    if (make && !map.hasImage(id)) map.addImage(id, make(), { pixelRatio: 1 });
  });
}

export class DistrictLayer {
  /**
   * @param {maplibregl.Map} map
   * @param {ReturnType<typeof import('./district-table.js').decodeDistricts>} table the districts
   * by slot (/api/districts.bin)
   * @param {import('./colors.js').Palette} palette
   * @param {(id: string) => void} onSelect called with a district id when one is clicked
   * @param {import('./drawn-zoom.js').DrawnZoom} zoom the deepest zoom the map draws
   */
  constructor(map, table, palette, onSelect, zoom) {
    this.map = map;
    /** @type {import('./drawn-zoom.js').DrawnZoom} */
    this.zoom = zoom;
    /** The slots whose side changed while they were not drawn (part of a group, zoomed out):
     * their feature state is written when the map zooms in far enough to draw them. */
    this.pending = new Set();
    zoom.onDeeper(() => {
      for (const slot of this.pending) {
        if (this.drawnNow(slot)) { this.pending.delete(slot); this.write(slot); }
      }
    });
    this.palette = palette;
    this.ids = table.ids;
    this.slotOf = new Map(this.ids.map((id, i) => [id, i]));
    this.names = table.names;
    this.altNames = table.altNames;
    this.area = table.area;
    this.bbox = table.bbox;
    this.anchor = table.anchor;
    this.keys = this.ids.map(() => 'unknown');
    this.gained = this.ids.map(() => null);
    this.selected = -1;
    /** The blocks drawn zoomed out (blocks.js), once the page has them. */
    this.blocks = null;
    this.striped = map.getZoom() >= STRIPES_FROM_ZOOM;
    this.show();
    // Crossing the stripes' zoom recolours the contested districts: front-zone fill or stripes.
    map.on('zoom', () => {
      const striped = map.getZoom() >= STRIPES_FROM_ZOOM;
      if (striped === this.striped) return;
      this.striped = striped;
      this.keys.forEach((key, slot) => {
        if (key.startsWith('contested:')) this.follow(slot);
      });
    });
    this.popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false, className: 'district-tip', offset: 12 });
    /** Set by the page: whether a click at a point belongs to a layer above the districts. */
    this.skipClick = () => false;
    // Zoomed out a feature may be a group of districts (blocks.js): a click opens the one whose
    // label is nearest.
    map.on('click', 'district-fill', (e) => {
      if (!e.features?.length || this.skipClick(e.point)) return;
      const id = e.features[0].id;
      const slot = id < this.ids.length ? id : this.blocks?.pick(id, e.lngLat);
      if (slot !== null && slot !== undefined) onSelect(this.ids[slot]);
    });
    map.on('mousemove', 'district-fill', (e) => {
      const id = e.features?.[0]?.id;
      if (id === undefined) return;
      map.getCanvas().style.cursor = 'pointer';
      const html = id < this.ids.length ? this.tooltip(id) : this.blocks?.tip(id) ?? '';
      this.popup.setLngLat(e.lngLat).setHTML(html).addTo(map);
    });
    map.on('mouseleave', 'district-fill', () => { map.getCanvas().style.cursor = ''; this.popup.remove(); });
  }

  /** Shows the fill, in the style from the start (districtLayers), now that it is painted. */
  show() {
    this.map.setPaintProperty('district-fill', 'fill-opacity', 1);
  }

  /** The outlines of what changed hands, on the map only while comparing: its feature state
   * would otherwise cost every step an upload. */
  showGainLayer(on) {
    const shown = Boolean(this.map.getLayer('district-gained'));
    if (on === shown) return;
    if (!on) { this.map.removeLayer('district-gained'); return; }
    // Zero-width lines for the unchanged: nothing to rasterise.
    this.map.addLayer({
      id: 'district-gained', type: 'line', source: SOURCE, 'source-layer': 'districts',
      paint: { 'line-color': ['to-color', state('gain', '#000000')], 'line-width': ['case', ['==', state('gain', ''), ''], 0, 3.5], 'line-dasharray': [2, 1] },
    }, 'district-selected');
  }

  feature(slot) {
    return { source: SOURCE, sourceLayer: 'districts', id: slot };
  }

  /** Outlines district `id` (or nothing, for null) as the one whose history is open. */
  select(id) {
    this.selected = id === null ? -1 : (this.slotOf.get(id) ?? -1);
    // Zoomed out, the groups it is drawn in.
    const groups = this.selected >= 0 && this.blocks ? this.blocks.groupsOf(this.selected) : [];
    this.map.setFilter('district-selected', ['in', ['id'], ['literal', [this.selected, ...groups]]]);
  }

  tooltip(slot) {
    return `<strong>${escapeHtml(this.names[slot])}</strong><br>${escapeHtml(this.palette.labelOf(this.keys[slot]))}`;
  }

  /**
   * Paints the districts in `slots` by their side in `sides` (a side by slot; see
   * ControlStates). Returns the slots whose side changed.
   */
  paint(slots, sideOf) {
    const changed = [];
    const before = new Map();
    for (const slot of slots) {
      const side = sideOf(slot);
      if (side.key === this.keys[slot]) continue;
      before.set(slot, this.keys[slot]);
      this.keys[slot] = side.key;
      changed.push(slot);
      this.follow(slot);
    }
    this.blocks?.update(changed, before);
    return changed;
  }

  /** Writes district `slot`'s state now if it may be drawn, else when it may. */
  follow(slot) {
    if (this.drawnNow(slot)) this.write(slot); else this.pending.add(slot);
  }

  /** Whether district `slot` may be drawn as itself now: the block levels group it below its
   * first zoom alone. */
  drawnNow(slot) {
    return !this.blocks || this.zoom.drawn(this.blocks.table.soloFrom[slot]);
  }

  /** Writes district `slot`'s feature state from its side: fill, the fill drawn at this zoom
   * and the stripes of the factions contesting it besides the first. */
  write(slot) {
    const key = this.keys[slot];
    const contested = key.startsWith('contested:');
    const [, ...others] = contested ? key.slice(10).split('+') : [];
    this.map.setFeatureState(this.feature(slot), {
      fill: this.fillOf(key),
      drawn: this.drawn(key),
      stripes: contested ? `|${(others.length ? others : key.slice(10).split('+')).join('|')}|` : '',
    });
  }

  /** The fill of side key `key` as `#rrggbbaa`: a contested district's is its first faction's. */
  fillOf(key) {
    if (key.startsWith('contested:')) return withAlpha(this.palette.colorOf(key.slice(10).split('+')[0]), 0.72);
    return withAlpha(this.palette.fillOf(key), key === 'unknown' ? 0.35 : 0.72);
  }

  /** The fill drawn for side key `key` at this zoom: zoomed out, where stripes would not read,
   * a contested district is in the one front-zone colour. */
  drawn(key) {
    return key.startsWith('contested:') && !this.striped ? FRONT_ZONE_FILL : this.fillOf(key);
  }

  /** What district `id` shows: its side as painted and the fill colour and stripes set for it. */
  look(id) {
    const slot = this.slotOf.get(id);
    const key = this.keys[slot];
    // Its state as it will be drawn, for a district not drawn at this zoom.
    if (this.pending.delete(slot)) this.write(slot);
    const state = this.map.getFeatureState(this.feature(slot));
    const held = key !== 'unknown' && !key.startsWith('contested:');
    return {
      status: key === 'unknown' ? 'unknown' : held ? 'held' : 'contested',
      faction: held ? key : '',
      factions: key === 'unknown' ? [] : held ? [key] : key.slice(10).split('+'),
      fill: state.fill?.slice(0, 7), stripes: (state.stripes ?? '').split('|').filter(Boolean), gain: state.gain ?? null,
    };
  }

  /**
   * Outlines the districts that changed hands in the colour of the side that gained them;
   * `gains` holds a side key (or null) by slot; null clears the comparison.
   */
  showChanges(gains) {
    this.showGainLayer(Boolean(gains));
    for (let slot = 0; slot < this.gained.length; slot += 1) {
      const gained = gains ? gains[slot] : null;
      if (gained === this.gained[slot]) continue;
      this.gained[slot] = gained;
      this.map.setFeatureState(this.feature(slot), { gain: this.gainColour(gained) });
    }
    this.blocks?.showChanges(gains);
  }

  /** The outline colour of what side key `gained` (or null: nothing) gained while comparing. */
  gainColour(gained) {
    return !gained ? '' : gained.startsWith('contested:') || gained === 'unknown' ? '#555555' : this.palette.colorOf(gained);
  }

  /** District slot `slot`'s box as [[west, south], [east, north]]. */
  bounds(slot) {
    const [w, s, e, n] = this.bbox[slot];
    return new maplibregl.LngLatBounds([w, s], [e, n]);
  }

  /** Screen-space label anchors for districts large enough on screen to carry a name. */
  labelCandidates(minPixels) {
    const view = this.map.getBounds();
    const [vw, vs, ve, vn] = [view.getWest(), view.getSouth(), view.getEast(), view.getNorth()];
    // The map neither rotates nor tilts, so a district's width on screen is its span of
    // longitude times the pixels a degree takes at this zoom: the many too narrow for a name
    // (most of them, zoomed out on a country) are passed over without projecting their corners.
    const pxPerDegree = (512 * 2 ** this.map.getZoom()) / 360;
    const out = [];
    for (let slot = 0; slot < this.bbox.length; slot += 1) {
      const [w, s, e, n] = this.bbox[slot];
      if (e < vw || w > ve || n < vs || s > vn) continue;
      if ((e - w) * pxPerDegree < minPixels * 0.99) continue;
      const nw = this.map.project([w, n]);
      const se = this.map.project([e, s]);
      const width = se.x - nw.x;
      if (width < minPixels || se.y - nw.y < 14) continue;
      out.push({ slot, name: this.names[slot], at: this.anchor[slot], width });
    }
    return out;
  }
}

/** `#rrggbb` with `alpha` (0–1) as `#rrggbbaa`. */
function withAlpha(hex, alpha) {
  return `${hex.slice(0, 7)}${Math.round(alpha * 255).toString(16).padStart(2, '0')}`;
}
const UNKNOWN_RGBA = withAlpha(UNKNOWN_FILL, 0.35);

export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
