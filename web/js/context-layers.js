// The geography drawn with the control map, from the data set's context layers (/api/meta lists
// them; each is GeoJSON at /api/context/{id}): sub-districts as grey dashed outlines under the
// districts, water and bridges over them, key terrain as named symbols, place names as labels.
// Their attributions are listed with the data set's credits (see credits.js).

import * as api from './api.js';
import { escapeHtml } from './map-layer.js';

const L = window.L;
const WATER = '#9cc3e0';

/** The panes, bottom to top, around Leaflet's overlay pane (400) that holds the districts. */
function panes(map) {
  const make = (name, z) => { map.createPane(name).style.zIndex = String(z); };
  make('admin', 350);
  make('water', 420);
  make('bridges', 430);
  make('landmarks', 470);
  make('places', 475);
  map.getPane('admin').style.pointerEvents = 'none';
  map.getPane('water').style.pointerEvents = 'none';
  map.getPane('places').style.pointerEvents = 'none';
}

/** Places of rank 1 (a city's own name) show zoomed out, parts of a city (rank 2) at city scale,
 * quarters (3) closer in: the zoom below which each rank is hidden. */
const PLACE_MIN_ZOOM = { 1: 0, 2: 11.5, 3: 13.5 };
const PLACE_MAX_ZOOM = { 1: 12, 2: 22, 3: 22 };

export class ContextLayers {
  /** @param {L.Map} map; @param {object[]} layers as /api/meta lists them */
  constructor(map, layers) {
    this.map = map;
    this.entries = layers.filter((l) => l.kind !== 'locator');
    this.groups = new Map();
    this.legend = [];
    panes(map);
  }

  /** Loads and draws every layer; resolves when all are on the map. */
  async load() {
    const loaded = await Promise.all(this.entries.map(async (l) => [l, await api.context(l.url)]));
    for (const [layer, geojson] of loaded) this.draw(layer, geojson);
    this.map.on('zoomend', () => this.zoomed());
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
    let group;
    switch (layer.kind) {
      case 'admin':
        group = L.geoJSON(geojson, {
          pane: 'admin', interactive: false,
          style: { color: '#8c8c8c', weight: 1, dashArray: '5 3', fill: true, fillColor: '#ebeae5', fillOpacity: 0.5 },
        });
        this.legend.push({ kind: 'admin', name: `${layer.name}: no control shown` });
        break;
      case 'water':
        group = L.geoJSON(geojson, {
          pane: 'water', interactive: false,
          style: (f) => (f.geometry.type.includes('Polygon')
            ? { stroke: false, fill: true, fillColor: WATER, fillOpacity: 1 }
            : { color: WATER, weight: 3, fill: false }),
        });
        this.legend.push({ kind: 'water', name: layer.name });
        break;
      case 'bridge':
      case 'road':
        group = L.geoJSON(geojson, {
          pane: 'bridges',
          style: { color: '#555555', weight: layer.kind === 'bridge' ? 4 : 2, lineCap: 'butt', opacity: 0.95 },
          pointToLayer: (f, at) => L.circleMarker(at, { pane: 'bridges', radius: 3, color: '#555555' }),
          onEachFeature: (f, l) => l.bindTooltip(tip(f), { sticky: true }),
        });
        this.legend.push({ kind: layer.kind, name: layer.name });
        break;
      case 'landmark':
        group = L.geoJSON(geojson, {
          pointToLayer: (f, at) => L.marker(at, {
            pane: 'landmarks', keyboard: false, title: f.properties.name,
            icon: L.divIcon({
              className: 'landmark', iconSize: null,
              html: `<span class="landmark-dot"></span><span class="landmark-name" data-rank="${Number(f.properties.rank) || 3}"${f.properties.district ? ` data-district="${escapeHtml(f.properties.district)}"` : ''}>${escapeHtml(f.properties.name)}</span>`,
            }),
          }).bindTooltip(tip(f), { direction: 'top', offset: [0, -6] }),
        });
        this.legend.push({ kind: 'landmark', name: layer.name });
        break;
      case 'place':
        group = L.geoJSON(geojson, {
          pointToLayer: (f, at) => L.marker(at, {
            pane: 'places', interactive: false, keyboard: false,
            icon: L.divIcon({
              className: 'place-label', iconSize: null,
              html: `<span data-rank="${Number(f.properties.rank) || 3}">${escapeHtml(f.properties.name)}</span>`,
            }),
          }),
        });
        break;
      default:
        return;
    }
    group.addTo(map);
    group.getLayers().forEach((l) => l.getElement?.()?.setAttribute('data-layer', layer.id));
    this.groups.set(layer.id, { layer, group });
  }

  /** Shows each place name and landmark name only at the zooms it belongs to. */
  zoomed() {
    const z = this.map.getZoom();
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
  if (p.alt_names?.length) parts.push(escapeHtml(p.alt_names.join(', ')));
  if (p.position_confidence) {
    const grade = { A: 'position stated by a source', B: 'derived from a landmark', C: 'estimated' }[p.position_confidence];
    parts.push(`<span class="muted">${escapeHtml(grade ?? p.position_confidence)}</span>`);
  }
  return parts.join('<br>');
}
