// Wires the page: loads everything scrubbing needs once, then repaints from memory on every
// change of date; the URL follows the date and the view. The page opens on the data set's own
// date and view (its `dataset.json`), named after it, with its geography and credits.

import * as api from './api.js';
import { Palette } from './colors.js';
import { Compare } from './compare.js';
import { ContextLayers } from './context-layers.js';
import { ControlStates } from './control.js';
import { AreaChart } from './chart.js';
import { showCredits } from './credits.js';
import { FrontLine } from './front-line.js';
import { Labels } from './labels.js';
import { Legend } from './legend.js';
import { DistrictLayer, escapeHtml } from './map-layer.js';
import { Panel } from './panel.js';
import { RegionPicker } from './regions.js';
import { ReportLinks } from './report-link.js';
import { DistrictSearch } from './search.js';
import { Timeline } from './timeline.js';
import { readHash, record } from './url-state.js';
import { baseMap, downloadSnapshot } from './basemap.js';

const L = window.L;
const DAY = 86_400_000;

/** Names the page after the data set: "Battle of Mosul", with what the map shows. */
function nameThePage(meta) {
  const title = meta.title || 'Frontline';
  document.getElementById('title').textContent = title;
  document.title = meta.title ? `${meta.title}: who held what, when (Frontline)` : 'Frontline: who held what, when';
  const about = document.getElementById('about');
  about.innerHTML = meta.description ? escapeHtml(meta.description) : '';
  about.hidden = !meta.description;
  document.getElementById('title').title = meta.description ?? '';
}

/** The date the page opens on: the data set's default date, else its period's end, else the
 * last change; never outside the timeline. */
function openingDate(meta, timeline) {
  const start = Date.parse(timeline.start);
  const end = Date.parse(timeline.end);
  const wanted = Date.parse(meta.default_date ?? meta.period?.[1] ?? timeline.end);
  return Number.isFinite(wanted) ? Math.min(Math.max(wanted, start), end) : end;
}

async function start() {
  const status = document.getElementById('status');
  const [meta, factions, districts, states, borders, timeline, regions] = await Promise.all([
    api.meta(), api.factions(), api.districts(), api.states(), api.borders(), api.timeline(), api.regions(),
  ]);
  performance.mark('frontline:data');
  nameThePage(meta);

  // On a phone the legend starts folded, leaving the map visible.
  const phone = window.matchMedia('(max-width: 640px)').matches;
  if (phone) document.querySelector('#side details').open = false;
  const map = L.map('map', { zoomSnap: 0.25, preferCanvas: false, attributionControl: true, keyboard: true });
  // ← / → belong to the timeline; the map keeps ↑ / ↓ to pan and + / − to zoom.
  map.keyboard.keyCodes = { ...map.keyboard.keyCodes, left: [], right: [] };
  map.keyboard._setPanDelta(map.options.keyboardPanDelta);
  baseMap(map, meta.tiles);
  showCredits(map, meta);
  // Leaflet adds layers only once the map has a view; the exact view is set below.
  const [w, s, e, n] = meta.default_view ?? meta.bbox ?? [-180, -85, 180, 85];
  map.fitBounds([[s, w], [n, e]], { animate: false });
  const palette = new Palette(factions);
  const context = new ContextLayers(map, meta.layers ?? []);
  let layer;
  const panel = new Panel(palette, {
    onClose: () => { layer.select(null); settle(true); },
    onJump: (at) => tl.set(at, true),
    onOpen: (id) => layer.select(id),
    onShown: (id) => revealUnderPanel(id),
  });
  layer = new DistrictLayer(map, districts, palette, (id) => { panel.open(id); settle(true); });
  performance.mark('frontline:districts');
  const contextLoaded = context.load();
  const control = new ControlStates(layer.ids, states);
  performance.mark('frontline:states');
  const front = new FrontLine(map, borders, layer.ids, factions);
  performance.mark('frontline:borders');
  const legend = new Legend(palette);
  const reports = new ReportLinks();
  let t = openingDate(meta, timeline);
  let restoring = false;

  const compare = new Compare(control, layer, palette, () => {
    compare.update(t);
    reports.update(t, compare.cmp);
    settle(true);
  });
  const chart = new AreaChart(palette, Date.parse(timeline.start), Date.parse(timeline.end),
    (picked) => tl.set(Math.round(picked / DAY) * DAY, true));
  const picker = new RegionPicker(map, regions, layer.ids, async (region) => {
    legend.setRegion(region);
    legend.update(layer.keys);
    compare.setRegion(region);
    if (Number.isFinite(compare.cmp)) compare.update(t);
    const selector = region.selector ?? (region.id.startsWith('group:') ? { group: region.id.slice(6) } : { region: region.id });
    chart.show(await api.areaStats(selector), region.name);
  });

  /** Repaints everything that depends on the date; cheap enough to run on every slider input. */
  function show(at) {
    t = at;
    const changed = layer.paint(control.snapshot(at));
    front.update(layer.keys, changed);
    legend.update(layer.keys);
    chart.mark(at);
    panel.setDate(at);
    if (Number.isFinite(compare.cmp)) compare.update(at);
    reports.update(at, compare.cmp);
    document.body.dataset.date = new Date(at).toISOString();
  }

  /** On a phone the panel is a bottom sheet: keep the district it describes in sight above it. */
  function revealUnderPanel(id) {
    if (!window.matchMedia('(max-width: 640px)').matches) return;
    const slot = layer.ids.indexOf(id);
    if (slot < 0) return;
    const sheet = document.getElementById('panel');
    requestAnimationFrame(() => {
      // What the sheet hides: from its top edge to the bottom of the map.
      const covered = map.getContainer().getBoundingClientRect().bottom - sheet.getBoundingClientRect().top;
      map.fitBounds(layer.layers[slot].getBounds(), {
        paddingTopLeft: [16, 16], paddingBottomRight: [16, Math.max(covered, 0) + 16], maxZoom: map.getZoom(), animate: false,
      });
    });
  }

  function settle(push) {
    if (restoring) return;
    const c = map.getCenter();
    record({ date: t, z: map.getZoom(), lat: c.lat, lon: c.lng, cmp: compare.cmp, district: panel.id }, push);
  }

  const tl = new Timeline(timeline, (at, settled) => { show(at); if (settled) settle(true); });

  function restore() {
    restoring = true;
    const h = readHash();
    if (h.z !== undefined) map.setView([h.lat, h.lon], h.z, { animate: false });
    compare.setDate(h.cmp);
    tl.set(h.date ?? openingDate(meta, timeline), false);
    compare.update(t);
    if (h.district && h.district !== panel.id && layer.ids.includes(h.district)) panel.open(h.district);
    if (!h.district) panel.close();
    restoring = false;
  }

  const initial = readHash();
  if (initial.z === undefined && !meta.default_view) map.fitBounds(layer.mainBounds(), { animate: false, padding: [8, 8] });
  restore();
  await Promise.all([picker.pick(), contextLoaded]);
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
  window.frontline = { map, layer, front, control, timeline: tl, show, picker, get t() { return t; } };
  window.dispatchEvent(new CustomEvent('frontline:ready'));
}

start().catch((e) => {
  const status = document.getElementById('status');
  status.hidden = false;
  status.textContent = `Could not load the map: ${e.message}`;
  status.classList.add('error');
  throw e;
});
