// Wires the page: loads everything scrubbing needs once, then repaints from memory on every
// change of date; the URL follows the date and the view.

import * as api from './api.js';
import { Palette } from './colors.js';
import { Compare } from './compare.js';
import { ControlStates } from './control.js';
import { AreaChart } from './chart.js';
import { FrontLine } from './front-line.js';
import { Labels } from './labels.js';
import { Legend } from './legend.js';
import { DistrictLayer } from './map-layer.js';
import { Panel } from './panel.js';
import { ReportLinks } from './report-link.js';
import { DistrictSearch } from './search.js';
import { Timeline } from './timeline.js';
import { readHash, record } from './url-state.js';
import { baseMap, downloadSnapshot } from './basemap.js';

const L = window.L;
const DAY = 86_400_000;

async function start() {
  const status = document.getElementById('status');
  const [meta, factions, districts, states, borders, timeline, stats] = await Promise.all([
    api.meta(), api.factions(), api.districts(), api.states(), api.borders(), api.timeline(), api.areaStats(),
  ]);
  performance.mark('frontline:data');

  // On a phone the legend starts folded, leaving the map visible.
  if (window.matchMedia('(max-width: 640px)').matches) document.querySelector('#side details').open = false;
  const map = L.map('map', { zoomSnap: 0.25, preferCanvas: false, attributionControl: true, keyboard: true });
  // ← / → belong to the timeline; the map keeps ↑ / ↓ to pan and + / − to zoom.
  map.keyboard.keyCodes = { ...map.keyboard.keyCodes, left: [], right: [] };
  map.keyboard._setPanDelta(map.options.keyboardPanDelta);
  baseMap(map, meta.tiles);
  // Leaflet adds layers only once the map has a view; the exact view is set below.
  const [w, s, e, n] = meta.bbox ?? [-180, -85, 180, 85];
  map.fitBounds([[s, w], [n, e]], { animate: false });
  const palette = new Palette(factions);
  const panel = new Panel(palette, () => settle(true));
  const layer = new DistrictLayer(map, districts, palette, (id) => { panel.open(id); settle(true); });
  performance.mark('frontline:districts');
  const control = new ControlStates(layer.ids, states);
  performance.mark('frontline:states');
  const front = new FrontLine(map, borders, layer.ids);
  performance.mark('frontline:borders');
  const legend = new Legend(palette, layer.area);
  const reports = new ReportLinks();
  let t = Date.parse(meta.end ?? timeline.end);
  let restoring = false;

  const compare = new Compare(control, layer, palette, () => {
    compare.update(t);
    reports.update(t, compare.cmp);
    settle(true);
  });
  const chart = new AreaChart(stats, palette, Date.parse(timeline.start), Date.parse(timeline.end),
    (picked) => tl.set(Math.round(picked / DAY) * DAY, true));

  /** Repaints everything that depends on the date; cheap enough to run on every slider input. */
  function show(at) {
    t = at;
    const changed = layer.paint(control.snapshot(at));
    front.update(layer.keys, changed);
    legend.update(layer.keys);
    chart.mark(at);
    if (Number.isFinite(compare.cmp)) compare.update(at);
    reports.update(at, compare.cmp);
    document.body.dataset.date = new Date(at).toISOString();
  }

  function settle(push) {
    if (restoring) return;
    const c = map.getCenter();
    record({ date: t, z: map.getZoom(), lat: c.lat, lon: c.lng, cmp: compare.cmp, district: panel.id }, push);
  }

  const tl = new Timeline(timeline, (at, settled) => { show(at); if (settled) settle(true); });

  function restore() {
    restoring = true;
    const s = readHash();
    if (s.z !== undefined) map.setView([s.lat, s.lon], s.z, { animate: false });
    compare.setDate(s.cmp);
    tl.set(s.date ?? Date.parse(meta.end ?? timeline.end), false);
    compare.update(t);
    if (s.district && s.district !== panel.id && layer.ids.includes(s.district)) panel.open(s.district);
    if (!s.district) panel.close();
    restoring = false;
  }

  const initial = readHash();
  if (initial.z === undefined) map.fitBounds(layer.mainBounds(), { animate: false, padding: [8, 8] });
  restore();
  new Labels(map, layer);
  new DistrictSearch(map, layer, (id) => { panel.open(id); settle(true); });
  map.on('moveend', () => settle(true));
  window.addEventListener('popstate', restore);
  window.addEventListener('hashchange', restore);
  document.getElementById('download').addEventListener('click', () => downloadSnapshot(map, t));
  settle(false);

  status.hidden = true;
  document.body.dataset.ready = 'true';
  performance.mark('frontline:first-map');
  window.frontline = { map, layer, front, control, timeline: tl, show, get t() { return t; } };
  window.dispatchEvent(new CustomEvent('frontline:ready'));
}

start().catch((e) => {
  const status = document.getElementById('status');
  status.hidden = false;
  status.textContent = `Could not load the map: ${e.message}`;
  status.classList.add('error');
  throw e;
});
