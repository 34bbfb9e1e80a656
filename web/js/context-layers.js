// The geography drawn with the control map, from the data set's context layers (/api/meta lists
// them; each is GeoJSON at /api/context/{id}): sub-districts as grey dashed outlines under the
// districts, water and bridges over them, key terrain as named symbols, place names as labels.
// Their attributions are listed with the data set's credits (see credits.js).

import * as api from './api.js';
import { escapeHtml } from './map-layer.js';

import * as maplibregl from './gl.js';

const WATER = '#9cc3e0';

/** Where each kind of layer goes: under the districts (`admin`) or over them (the rest), in the
 * order of the map's empty slot layers (see main.js). */
const SLOT = { admin: 'slot-admin', water: 'slot-water', bridge: 'slot-bridges', road: 'slot-bridges' };

/** Places of rank 1 (a city's own name) show zoomed out, parts of a city (rank 2) at city scale,
 * quarters (3) closer in: the zoom below which each rank is hidden, in zooms of 256-pixel tiles
 * (MapLibre's zoom + 1), as the permalink counts them. */
const PLACE_MIN_ZOOM = { 1: 0, 2: 11.5, 3: 13.5 };
const PLACE_MAX_ZOOM = { 1: 12, 2: 22, 3: 22 };

export class ContextLayers {
  /** @param {maplibregl.Map} map; @param {object[]} layers as /api/meta lists them */
  constructor(map, layers) {
    this.map = map;
    this.entries = layers.filter((l) => l.kind !== 'locator');
    this.drawn = new Map();
    this.legend = [];
  }

  /** Loads and draws every layer; resolves when all are on the map. */
  async load() {
    const loaded = await Promise.all(this.entries.map(async (l) => [l, await api.context(l.url)]));
    for (const [layer, geojson] of loaded) this.draw(layer, geojson);
    this.map.on('zoom', () => this.zoomed());
    this.zoomed();
    this.showLegend();
    return this;
  }

  /** A legend line per context layer drawn: what the blue, the grey and the dots are. */
  showLegend() {
    const swatch = {
      water: `<span class="swatch" style="background:${WATER}"></span>`,
      admin: '<span class="swatch admin"></span>',
      bridge: '<span class="swatch line bridge"></span>',
      road: '<span class="swatch line bridge"></span>',
      landmark: '<span class="swatch dot"></span>',
    };
    document.getElementById('context-legend').innerHTML = this.legend
      .map((e) => `<li data-context="${e.kind}">${swatch[e.kind] ?? ''}<span class="name">${escapeHtml(e.name)}</span><span></span></li>`)
      .join('');
  }

  draw(layer, geojson) {
    const map = this.map;
    const source = `context-${layer.id}`;
    const add = (suffix, spec) => map.addLayer({ id: `${source}-${suffix}`, source, ...spec }, SLOT[layer.kind]);
    const polygons = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false];
    const lines = ['match', ['geometry-type'], ['LineString', 'MultiLineString'], true, false];
    const markers = [];
    // Fills are not antialiased (see districtLayers): the admin areas' dashed outline and the
    // water's edge line smooth them.
    switch (layer.kind) {
      case 'admin':
        map.addSource(source, { type: 'geojson', data: geojson });
        // The fill is the ground's own grey: on the plain ground it would change no pixel and
        // still cost a blended pass over the whole view each frame (15 ms in software WebGL),
        // so it is drawn only to veil a basemap.
        if (map.getSource('basemap')) add('fill', { type: 'fill', paint: { 'fill-color': '#ebeae5', 'fill-opacity': 0.5, 'fill-antialias': false } });
        add('line', { type: 'line', paint: { 'line-color': '#8c8c8c', 'line-width': 1, 'line-dasharray': [5, 3] } });
        this.legend.push({ kind: 'admin', name: `${layer.name}: no control shown` });
        break;
      case 'water':
        map.addSource(source, { type: 'geojson', data: geojson });
        // One colour, written as a colour worked out per feature (both branches the same): the
        // fill is then drawn with the districts' own WebGL program (their colour is per
        // feature), not one more that software WebGL compiles as the page loads (about 100 ms
        // of a Mosul load).
        add('fill', { type: 'fill', filter: polygons, paint: { 'fill-color': ['case', ['==', ['geometry-type'], 'Polygon'], WATER, WATER], 'fill-antialias': false } });
        add('edge', { type: 'line', filter: polygons, paint: { 'line-color': WATER, 'line-width': 1 } });
        add('line', { type: 'line', filter: lines, paint: { 'line-color': WATER, 'line-width': 3 } });
        this.legend.push({ kind: 'water', name: layer.name });
        break;
      case 'bridge':
      case 'road':
        map.addSource(source, { type: 'geojson', data: geojson, generateId: true });
        add('line', {
          type: 'line', filter: lines,
          paint: { 'line-color': '#555555', 'line-width': layer.kind === 'bridge' ? 4 : 2, 'line-opacity': 0.95 },
        });
        add('point', { type: 'circle', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 3, 'circle-color': '#555555' } });
        this.tips(`${source}-line`);
        this.legend.push({ kind: layer.kind, name: layer.name });
        break;
      case 'landmark':
        for (const f of geojson.features) {
          const el = document.createElement('div');
          el.className = 'landmark';
          el.title = f.properties.name;
          el.dataset.layer = layer.id;
          el.innerHTML = `<span class="landmark-dot"></span><span class="landmark-name" data-rank="${Number(f.properties.rank) || 3}"${f.properties.district ? ` data-district="${escapeHtml(f.properties.district)}"` : ''}>${escapeHtml(f.properties.name)}</span>`;
          const popup = new maplibregl.Popup({ closeButton: false, offset: 8 }).setHTML(tip(f));
          markers.push(new maplibregl.Marker({ element: el, anchor: 'top-left' }).setLngLat(f.geometry.coordinates).setPopup(popup));
          el.addEventListener('mouseenter', () => popup.setLngLat(f.geometry.coordinates).addTo(map));
          el.addEventListener('mouseleave', () => popup.remove());
        }
        this.legend.push({ kind: 'landmark', name: layer.name });
        break;
      case 'place':
        for (const f of geojson.features) {
          const el = document.createElement('div');
          el.className = 'place-label';
          el.dataset.layer = layer.id;
          el.innerHTML = `<span data-rank="${Number(f.properties.rank) || 3}">${escapeHtml(f.properties.name)}</span>`;
          markers.push(new maplibregl.Marker({ element: el, anchor: 'top-left' }).setLngLat(f.geometry.coordinates));
        }
        break;
      default:
        return;
    }
    for (const m of markers) m.addTo(map);
    this.drawn.set(layer.id, { layer, markers });
  }

  /** A name on hover over the features of map layer `id`. */
  tips(id) {
    const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: false });
    this.map.on('mousemove', id, (e) => {
      const f = e.features?.[0];
      if (f) popup.setLngLat(e.lngLat).setHTML(tip(f)).addTo(this.map);
    });
    this.map.on('mouseleave', id, () => popup.remove());
  }

  /** Shows each place name and landmark name only at the zooms it belongs to. */
  zoomed() {
    const z = this.map.getZoom() + 1;
    const root = this.map.getContainer();
    for (const rank of [1, 2, 3]) {
      const visible = z >= PLACE_MIN_ZOOM[rank] && z <= PLACE_MAX_ZOOM[rank];
      root.classList.toggle(`hide-places-${rank}`, !visible);
    }
    root.classList.toggle('hide-landmark-names', z < 12.5);
    root.classList.toggle('hide-minor-landmarks', z < 13.5);
  }
}

function tip(f) {
  const p = f.properties ?? {};
  const parts = [`<strong>${escapeHtml(p.name ?? '')}</strong>`];
  // Map features carry arrays as JSON text.
  const alt = typeof p.alt_names === 'string' ? JSON.parse(p.alt_names) : p.alt_names;
  if (alt?.length) parts.push(escapeHtml(alt.join(', ')));
  if (p.position_confidence) {
    const grade = { A: 'position stated by a source', B: 'derived from a landmark', C: 'estimated' }[p.position_confidence];
    parts.push(`<span class="muted">${escapeHtml(grade ?? p.position_confidence)}</span>`);
  }
  return parts.join('<br>');
}
