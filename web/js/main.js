// Wires the page: loads what scrubbing needs once (the binary district table, state stream and
// border table; outlines come as vector tiles, drawn by WebGL), then repaints from memory on every
// change of date, touching only what changed; the URL follows the date and the view. The page
// opens on the data set's own date and view (its `dataset.json`), named after it, with its
// geography and credits.

import * as api from './api.js';
import { Palette } from './colors.js';
import { Compare } from './compare.js';
import { Editor } from './editor.js';
import { Knowledge } from './knowledge.js';
import { ContextLayers } from './context-layers.js';
import { ControlStates, decodeStream } from './control.js';
import { AreaChart } from './chart.js';
import { showCredits } from './credits.js';
import { Blocks, decodeBlocks } from './blocks.js';
import { FrontLine, decodeBorders, frontLayers } from './front-line.js';
import { Labels } from './labels.js';
import { Legend } from './legend.js';
import { DrawnZoom } from './drawn-zoom.js';
import { Follower } from './follow.js';
import { decodeDistricts } from './district-table.js';
import { DistrictLayer, SOURCE, addHatchImages, districtLayers, escapeHtml } from './map-layer.js';
import { EventsLayer } from './events.js';
import { startWorker as startEventWorker } from './event-store.js';
import * as maplibregl from './gl.js';
import { Panel } from './panel.js';
import { RegionPicker } from './regions.js';
import { ReportLinks } from './report-link.js';
import { DistrictSearch } from './search.js';
import { Timeline } from './timeline.js';
import { readHash, record } from './url-state.js';
import { baseMap, downloadSnapshot } from './basemap.js';

const DAY = 86_400_000;
/** Empty layers that mark where each kind of layer goes, bottom to top. */
const SLOTS = ['slot-basemap', 'slot-admin', 'slot-districts', 'slot-water', 'slot-bridges', 'slot-front', 'slot-events'];

/** The map's style before any data: the outline tiles, every layer drawn from them (unseen
 * until painted) and the slots. The ground is the map's own background (`--ground` in
 * style.css) showing through the canvas where nothing is drawn: a background layer would paint
 * every pixel again each frame, which in software WebGL costs 8–10 ms a frame at 1280 × 720. */
function style(palette) {
  return {
    version: 8,
    // No paint property fades: the districts' fill appears at once when painted (a fade would
    // keep the map drawing frames for 300 ms, each a pass over every district in view).
    transition: { duration: 0, delay: 0 },
    sources: { [SOURCE]: { type: 'vector', url: `${window.location.origin}/tiles/districts.json` } },
    layers: [
      ...SLOTS.flatMap((id) => [
        ...(id === 'slot-districts' ? districtLayers(palette) : []),
        ...(id === 'slot-front' ? frontLayers() : []),
        { id, type: 'background', layout: { visibility: 'none' } },
      ]),
    ],
  };
}

/** The map, framed on `view` ([w, s, e, n]) with `padding` pixels around it; resolves once its
 * style is loaded. Zooms in URLs count 256-pixel tiles (as Leaflet, OSM and QGIS
 * do): MapLibre's zoom + 1. */
function makeMap(view, padding, hash, palette) {
  const [w, s, e, n] = view;
  // Open straight on a permalink's view, so no tile of the default view is fetched for nothing.
  const at = hash.z !== undefined ? { center: [hash.lon, hash.lat], zoom: hash.z - 1 }
    : { bounds: [[w, s], [e, n]], fitBoundsOptions: { padding } };
  const map = new maplibregl.Map({
    container: 'map', style: style(palette), ...at, attributionControl: false, keyboard: false,
    dragRotate: false, pitchWithRotate: false, touchPitch: false, fadeDuration: 0, maxZoom: 19,
  });
  map.touchZoomRotate.disableRotation();
  maplibregl.skipHiddenSky(map);
  addHatchImages(map, palette);
  // ← / → belong to the timeline; the map keeps ↑ / ↓ to pan and + / − to zoom.
  map.getCanvas().addEventListener('keydown', (ev) => {
    const pan = { ArrowUp: -100, ArrowDown: 100 }[ev.key];
    if (pan) { ev.preventDefault(); map.panBy([0, pan], { duration: 0 }); }
    if (ev.key === '+' || ev.key === '=') map.zoomIn({ duration: 0 });
    if (ev.key === '-' || ev.key === '_') map.zoomOut({ duration: 0 });
  });
  return new Promise((resolve, reject) => {
    // Resolved once the style is set up, not once its tiles are in ('load'): the page decodes
    // and paints its data while the worker parses the tiles, and feature state set now is
    // applied to each tile as it arrives.
    map.once('style.load', () => { performance.mark('frontline:map'); resolve(map); });
    map.once('error', (ev) => { if (!map.loaded()) reject(ev.error ?? new Error('the map did not load')); });
  });
}

/** The data revision a state stream was made from (/api/states.bin, layout in the README). */
const streamRevision = (buffer) => new DataView(buffer).getFloat64(24, true);

const binary = async (path) => {
  const res = await fetch(api.withKnowledge(path));
  if (!res.ok) throw new Error(`${path}: ${res.status} ${res.statusText}`);
  return res.arrayBuffer();
};

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

/** The page when no state is known (as published before the first record, or an empty data
 * set): it says so, and "As published on" stays there to pick another date. */
function nothingYet(known, status) {
  status.textContent = Number.isFinite(known)
    ? `Nothing had been published as of ${new Date(known).toISOString().slice(0, 10)}: pick a later date under "Publishing history and editing", or Now.`
    : 'The data set has no control states yet.';
  document.getElementById('knowledge-box').open = true;
  new Knowledge(known, (picked) => {
    const q = new URLSearchParams(window.location.hash.slice(1));
    if (Number.isFinite(picked)) q.set('known', new Date(picked).toISOString()); else q.delete('known');
    window.history.pushState(null, '', `#${q.toString().replace(/%3A/g, ':')}`);
    window.location.reload();
  });
  document.body.dataset.empty = 'true';
  document.body.dataset.ready = 'true';
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
  // The map as published at an earlier instant: every read carries known_at.
  const known = readHash().known;
  api.setKnownAt(known);
  const metaLoaded = api.meta();
  // The map's and the events' Workers fetch and compile their scripts while the data loads.
  maplibregl.prewarm();
  startEventWorker();
  // The server frames the map (`opening_view`: the data set's default view edge to edge, else
  // its core 8 px in, PADDING_PX in src/domain/opening.rs) and has that view's tiles ready.
  const factionsLoaded = api.factions();
  // What the page waits for before it says it is ready, asked for with its first reads: the
  // opening region's areas over time (the chart; the region picker opens on the main region)
  // and the context layers.
  metaLoaded.then((m) => {
    api.prefetch(api.areaStatsPath({ region: m.main_region ?? 'all' }));
    for (const l of m.layers ?? []) if (l.kind !== 'locator') api.prefetch(l.url);
  }, () => {});
  const mapLoaded = Promise.all([metaLoaded, factionsLoaded]).then(([m, f]) => makeMap(m.opening_view ?? [-180, -85, 180, 85], m.default_view ? 0 : 8, readHash(), new Palette(f)));
  const [meta, factions, districts, stream, borders, blockTable, timeline, regions, map, sites, weeks] = await Promise.all([
    metaLoaded, factionsLoaded, binary('/api/districts.bin'), binary('/api/states.bin'), binary('/api/borders.bin'), binary('/api/blocks.bin'),
    api.timeline(), api.regions(), mapLoaded, api.sites(), api.eventWeeks(),
  ]);
  performance.mark('frontline:data');
  nameThePage(meta);
  if (timeline.start === null) {
    nothingYet(known, status);
    return;
  }

  // On a phone the legend starts folded, leaving the map visible.
  const phone = window.matchMedia('(max-width: 640px)').matches;
  if (phone) document.querySelector('#side details').open = false;
  baseMap(map, meta.tiles, 'slot-basemap');
  showCredits(map, meta);
  const palette = new Palette(factions);
  const incidents = new EventsLayer(map, palette, api.eventStreamUrl, api.event, sites, 'slot-events');
  const weekSpan = weeks.length ? [Date.parse(`${weeks[0].start}T00:00:00Z`), Date.parse(`${weeks.at(-1).start}T00:00:00Z`) + 7 * DAY] : [];
  incidents.setRange(Math.min(Date.parse(timeline.start), ...weekSpan.slice(0, 1)), Math.max(Date.parse(timeline.end), ...weekSpan.slice(1)), meta.events ?? Infinity);
  // The opening date's events are fetched (in a Worker) while the page builds the map.
  const openingEvents = incidents.load(readHash().date ?? openingDate(meta, timeline));
  const context = new ContextLayers(map, meta.layers ?? []);
  let layer;
  const editor = new Editor(factions, Number.isFinite(known));
  new Knowledge(known, (picked) => {
    const h = readHash();
    const c = map.getCenter();
    record({ date: t, z: map.getZoom() + 1, lat: c.lat, lon: c.lng, cmp: h.cmp, district: h.district, known: picked }, true);
    window.location.reload();
  });
  const panel = new Panel(palette, {
    onClose: () => { layer.select(null); settle(true); },
    onJump: (at) => tl.set(at, true),
    onOpen: (id) => layer.select(id),
    onShown: (id) => revealUnderPanel(id),
    onWritten: (id) => refresh(id),
  }, editor);
  layer = new DistrictLayer(map, decodeDistricts(districts), palette, (id) => { panel.open(id); settle(true); }, new DrawnZoom(map));
  // A click on an event or a camp opens its popup, not the district under it.
  layer.skipClick = (point) => incidents.hit(point);
  performance.mark('frontline:districts');
  const contextLoaded = context.load();
  const control = new ControlStates(layer.ids, decodeStream(stream, factions.map((f) => f.id)));
  performance.mark('frontline:states');
  const borderTable = decodeBorders(borders);
  const blocksTable = decodeBlocks(blockTable);
  // Tiles past the block levels' last zoom carry the borders between districts.
  const front = new FrontLine(map, borderTable, layer.ids.length, factions, layer.zoom, blocksTable.last + 1);
  layer.blocks = new Blocks(map, blocksTable, layer, borderTable, front);
  performance.mark('frontline:borders');
  const legend = new Legend(palette);
  const reports = new ReportLinks();
  let t = openingDate(meta, timeline);
  let restoring = false;

  const compare = new Compare(control, layer, palette, () => {
    compare.update(t);
    reports.update(t, compare.cmp, incidents.reportWindow());
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

  /** Repaints everything that depends on the date; cheap enough to run on every slider input
   * (`moving` while the slider is dragged or the timeline plays). */
  function show(at, moving = false) {
    t = at;
    const changed = layer.paint(control.seek(at), (slot) => control.sides[control.code[slot]]);
    front.update(layer.keys, changed);
    incidents.update(at, moving);
    legend.update(layer.keys, changed);
    chart.mark(at);
    panel.setDate(at);
    if (Number.isFinite(compare.cmp)) compare.update(at);
    reports.update(at, compare.cmp, incidents.reportWindow());
    document.body.dataset.date = new Date(at).toISOString();
  }

  /**
   * After a write, this page's (`own`) or another editor's: the new states are fetched and
   * painted, the timeline's strip and steps and the region's area chart follow them, and the
   * panel is opened again on district `id`. Another editor's write leaves the panel as it is when
   * something has been typed in its record form, so nothing typed there is lost (its write is
   * checked against the history it was begun from).
   */
  async function refresh(id, own = true) {
    const [fresh, changes, nowFactions, nowMeta] = await Promise.all([binary('/api/states.bin'), api.timeline(), api.factions(), api.meta()]);
    // The stream numbers factions as /api/factions lists them, and the colours, stripes and
    // legend are built from that list when the page opens, as the districts are from the
    // district table: when a faction was added or retired since, or a district added, the page
    // opens again where it is (date, view, panel) rather than misname a side or a district.
    if (nowFactions.map((f) => f.id).join('\n') !== factions.map((f) => f.id).join('\n') || nowMeta.districts !== layer.ids.length) {
      settle(true);
      window.location.reload();
      return;
    }
    control.load(decodeStream(fresh, factions.map((f) => f.id)));
    follower.saw(streamRevision(fresh));
    control.seek(t);
    const all = layer.ids.map((_, slot) => slot);
    const changed = layer.paint(all, (slot) => control.sides[control.code[slot]]);
    front.update(layer.keys, changed);
    legend.update(layer.keys);
    if (Number.isFinite(compare.cmp)) compare.update(t);
    tl.setData(changes);
    const reopen = id && (own || !document.querySelector('#record-form[data-dirty]'));
    await Promise.all([reopen ? panel.open(id) : null, picker.pick(), followTiles()]);
    if (own) document.body.dataset.written = String(Number(document.body.dataset.written ?? 0) + 1);
    window.dispatchEvent(new CustomEvent(own ? 'frontline:written' : 'frontline:updated', { detail: id }));
  }

  /** The outline tiles carry the borders the front ever runs along: when a write brings the front
   * to a new one, their version changes, and the map loads the new tiles. */
  async function followTiles() {
    const doc = await (await fetch('/tiles/districts.json')).json();
    const source = map.getSource(SOURCE);
    if (source.tiles?.[0] !== doc.tiles[0]) source.setTiles(doc.tiles);
  }

  /** On a phone the panel is a bottom sheet: keep the district it describes in sight above it. */
  function revealUnderPanel(id) {
    if (!window.matchMedia('(max-width: 640px)').matches) return;
    const slot = layer.slotOf.get(id);
    if (slot === undefined) return;
    const sheet = document.getElementById('panel');
    requestAnimationFrame(() => {
      // What the sheet hides: from its top edge to the bottom of the map.
      const covered = map.getContainer().getBoundingClientRect().bottom - sheet.getBoundingClientRect().top;
      map.fitBounds(layer.bounds(slot), {
        padding: { top: 16, left: 16, right: 16, bottom: Math.max(covered, 0) + 16 }, maxZoom: map.getZoom(), duration: 0,
      });
    });
  }

  function settle(push) {
    if (restoring) return;
    const c = map.getCenter();
    record({ date: t, z: map.getZoom() + 1, lat: c.lat, lon: c.lng, cmp: compare.cmp, district: panel.id, known }, push);
  }

  const tl = new Timeline(timeline, (at, settled) => { show(at, !settled); if (settled) settle(true); });
  incidents.onChange = () => reports.update(t, compare.cmp, incidents.reportWindow());
  tl.setEvents(weeks);

  function restore() {
    restoring = true;
    const h = readHash();
    if (h.z !== undefined) map.jumpTo({ center: [h.lon, h.lat], zoom: h.z - 1 });
    compare.setDate(h.cmp);
    tl.set(h.date ?? openingDate(meta, timeline), false);
    compare.update(t);
    if (h.district && h.district !== panel.id && layer.ids.includes(h.district)) panel.open(h.district);
    if (!h.district) panel.close();
    restoring = false;
  }

  await editor.ready;
  // The events of the opening date's window are in before the map says it is ready.
  await openingEvents;
  restore();
  performance.mark('frontline:painted');
  await Promise.all([picker.pick(), contextLoaded]);
  new Labels(map, layer);
  new DistrictSearch(map, layer, (id) => { panel.open(id); settle(true); });
  map.on('moveend', () => settle(true));
  window.addEventListener('popstate', restore);
  window.addEventListener('hashchange', restore);
  document.getElementById('download').addEventListener('click', () => downloadSnapshot(map, t));
  settle(false);
  // Ready once the tiles in view are loaded and drawn in the shown date's colours.
  await new Promise((resolve) => { if (map.loaded() && map.areTilesLoaded()) resolve(); else map.once('idle', resolve); });

  status.hidden = true;
  document.body.dataset.ready = 'true';
  performance.mark('frontline:first-map');
  const follower = new Follower(streamRevision(stream), () => refresh(panel.id, false), document.getElementById('updated'));
  if (!Number.isFinite(known)) follower.start();
  window.frontline = {
    map, layer, front, follower, blocks: layer.blocks, control, timeline: tl, show, picker, incidents, get t() { return t; },
    /** The zoom as the URL counts it (256-pixel tiles). */
    zoom: () => map.getZoom() + 1,
  };
  window.dispatchEvent(new CustomEvent('frontline:ready'));
}

start().catch((e) => {
  const status = document.getElementById('status');
  status.hidden = false;
  status.textContent = `Could not load the map: ${e.message}`;
  status.classList.add('error');
  throw e;
});
