// The events layer and the camps: every event and site is loaded once; on each date only those
// of the time window (default: the 7 days up to the shown date) are handed to the map, older ones
// fading. An event is a circle in the colour of the faction held responsible (grey: unknown),
// sized by the largest figure any claim gives, outlined by grade, with a white pictogram of its
// kind; crowded ones are clustered. A click shows every claim with its figures and sources.
// Camps open at the shown date are blue squares sized by their population then.

import * as maplibregl from './gl.js';
import { escapeHtml } from './map-layer.js';
import { drawKind, KINDS } from './event-icons.js';

const DAY = 86_400_000;
/** Clusters of this many events or more read "100+". */
const MAX_COUNT = 100;
/** The least time between two event sets handed to the map while the date moves, ms. */
const THROTTLE_MS = 250;
/** Data sets with fewer events are loaded whole; larger ones a month at a time. */
const LOAD_ALL_BELOW = 20_000;
/** Below this zoom (MapLibre's, 512-pixel tiles) events are clustered. */
const CLUSTER_BELOW = 11;
export const EVENT_LAYERS = ['event-clusters', 'event-circles', 'event-icons', 'site-squares'];

/** How each grade is outlined: colour and width (px). */
export const GRADES = {
  confirmed: ['#111111', 2.5], fair: ['#4b5563', 1.75], weak: ['#9ca3af', 1],
  contested: ['#d97706', 2.5], discounted: ['#d1d5db', 1],
};

const day = (s) => Date.parse(`${s}T00:00:00Z`);

/** `105`, `125–370`, `at least 40`, `up to 370`. */
export function range(min, max) {
  if (min != null && max != null) return min === max ? `${min}` : `${min}–${max}`;
  if (min != null) return `at least ${min}`;
  if (max != null) return `up to ${max}`;
  return '?';
}

/** The population of a site at `t` (ms): its latest count on or before that day while open. */
export function populationAt(site, t) {
  const d = Math.floor(t / DAY) * DAY;
  if (site.opened && day(site.opened) > d) return null;
  if (site.closed && day(site.closed) < d) return null;
  let found = null;
  for (const o of site.observations) {
    if (o.metric === 'population' && day(o.date) <= d) found = o;
  }
  return found;
}

export class EventsLayer {
  /**
   * @param {(datetime: string) => Promise<object>} fetchEvents the events of an OGC `datetime`
   * period, as `/api/events` gives them
   */
  constructor(map, palette, fetchEvents, sites, slot) {
    this.map = map;
    this.fetchEvents = fetchEvents;
    this.sources = {};
    /** Every event loaded so far, by id, and the months loaded (or loading). */
    this.byId = new Map();
    this.events = [];
    this.months = new Map();
    this.sites = sites.features;
    this.windowDays = 7;
    this.visible = true;
    this.t = null;
    this.shown = [];
    this.timer = null;
    this.lastHandOver = -Infinity;
    this.states = new Map();
    this.target = new Map();
    this.groupsStale = false;
    this.drawnEvents = [];
    this.drawnSites = [];
    this.colour = (id) => (id ? palette.colorOf(id) : '#6b7280');
    this.name = (id) => palette.labelOf(id);
    for (const kind of KINDS) map.addImage(`kind-${kind}`, drawKind(kind), { pixelRatio: 2 });
    // Cluster counts are images drawn here: the page loads no font from anywhere.
    for (let n = 2; n < MAX_COUNT; n += 1) map.addImage(`count-${n}`, countImage(String(n)), { pixelRatio: 2 });
    map.addImage('count-many', countImage(`${MAX_COUNT}+`), { pixelRatio: 2 });
    // Two sources. `events`: every event loaded, each with a numeric id; what the window shows
    // and how faded is feature state, so a step of the slider touches only the events whose
    // look changed and hands the map no new data (a new data set costs about 100 ms a frame in
    // software WebGL). `event-groups`: the events of the window, clustered, drawn below
    // CLUSTER_BELOW (a country's or a region's view), where they crowd; it is given new data at
    // most every THROTTLE_MS while the date moves, and only while it is in view.
    map.addSource('events', { type: 'geojson', data: empty() });
    map.addSource('event-groups', {
      type: 'geojson', data: empty(), cluster: true, clusterRadius: 28, clusterMaxZoom: CLUSTER_BELOW - 1,
    });
    map.addSource('sites', { type: 'geojson', data: empty() });
    map.addLayer({
      id: 'site-squares', type: 'symbol', source: 'sites',
      layout: {
        'icon-image': 'kind-camp', 'icon-allow-overlap': true,
        'icon-size': ['interpolate', ['linear'], ['get', 'population'], 0, 0.8, 10000, 1.1, 50000, 1.6, 200000, 2.2],
      },
    }, slot);
    const radius = ['interpolate', ['linear'], ['get', 'size'], 0, 7, 10, 9, 100, 13, 1000, 18];
    map.addLayer({
      id: 'event-clusters', type: 'circle', source: 'event-groups', filter: ['has', 'point_count'],
      paint: { 'circle-color': '#374151', 'circle-opacity': 0.85, 'circle-radius': ['interpolate', ['linear'], ['get', 'point_count'], 2, 12, 20, 20], 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 },
    }, slot);
    map.addLayer({
      id: 'event-counts', type: 'symbol', source: 'event-groups', filter: ['has', 'point_count'],
      layout: {
        'icon-image': ['case', ['<', ['get', 'point_count'], MAX_COUNT], ['concat', 'count-', ['to-string', ['get', 'point_count']]], 'count-many'],
        'icon-allow-overlap': true,
      },
    }, slot);
    map.addLayer({
      id: 'event-singles', type: 'circle', source: 'event-groups', filter: ['!', ['has', 'point_count']],
      paint: {
        'circle-color': ['get', 'colour'], 'circle-radius': radius, 'circle-stroke-color': ['get', 'outline'],
        'circle-stroke-width': ['get', 'outline_width'], 'circle-opacity': ['get', 'opacity'], 'circle-stroke-opacity': ['get', 'opacity'],
      },
    }, slot);
    const shownOpacity = ['coalesce', ['feature-state', 'o'], 0];
    // A white ring keeps dark circles apart from dark ground.
    map.addLayer({
      id: 'event-halos', type: 'circle', source: 'events',
      paint: { 'circle-color': '#ffffff', 'circle-radius': ['+', ['get', 'outline_width'], 1.5, radius], 'circle-opacity': shownOpacity },
    }, slot);
    map.addLayer({
      id: 'event-circles', type: 'circle', source: 'events',
      paint: {
        'circle-color': ['get', 'colour'], 'circle-radius': radius, 'circle-stroke-color': ['get', 'outline'],
        'circle-stroke-width': ['get', 'outline_width'], 'circle-opacity': shownOpacity, 'circle-stroke-opacity': shownOpacity,
      },
    }, slot);
    map.addLayer({
      id: 'event-icons', type: 'symbol', source: 'events',
      layout: { 'icon-image': ['concat', 'kind-', ['get', 'kind']], 'icon-allow-overlap': true, 'icon-size': 0.9 },
      paint: { 'icon-opacity': shownOpacity },
    }, slot);
    // Which of the two is drawn follows the zoom (visibility, not layer zoom ranges: those would
    // keep a source's tiles from loading until a layer is in range).
    this.grouped = null;
    const follow = () => {
      const grouped = map.getZoom() < CLUSTER_BELOW;
      if (grouped === this.grouped) return;
      this.grouped = grouped;
      for (const id of ['event-clusters', 'event-counts', 'event-singles']) map.setLayoutProperty(id, 'visibility', grouped ? 'visible' : 'none');
      for (const id of ['event-halos', 'event-circles', 'event-icons']) map.setLayoutProperty(id, 'visibility', grouped ? 'none' : 'visible');
    };
    follow();
    map.on('zoom', follow);
    map.on('zoomend', () => { if (this.groupsStale && map.getZoom() < CLUSTER_BELOW) this.handOver(); });

    map.on('click', 'event-circles', (e) => {
      const f = e.features.find((x) => x.state?.o > 0);
      if (f) this.popup(f.properties.id, e.lngLat);
    });
    map.on('click', 'event-singles', (e) => this.popup(e.features[0].properties.id, e.lngLat));
    map.on('click', 'event-clusters', (e) => {
      const f = e.features[0];
      map.getSource('event-groups').getClusterExpansionZoom(f.properties.cluster_id)
        .then((zoom) => map.easeTo({ center: f.geometry.coordinates, zoom: Math.max(zoom, CLUSTER_BELOW), duration: 0 }));
    });
    map.on('click', 'site-squares', (e) => this.sitePopup(e.features[0].properties.id, e.lngLat));
    for (const id of ['event-circles', 'event-singles', 'event-clusters', 'site-squares']) {
      map.on('mouseenter', id, () => { map.getCanvas().style.cursor = 'pointer'; });
      map.on('mouseleave', id, () => { map.getCanvas().style.cursor = ''; });
    }

    const toggle = document.getElementById('events-on');
    const windowSelect = document.getElementById('events-window');
    toggle.addEventListener('change', () => { this.visible = toggle.checked; this.update(this.t); this.onChange(); });
    windowSelect.addEventListener('change', () => { this.windowDays = Number(windowSelect.value); this.update(this.t); this.onChange(); });
    /** Set by the page: called when the layer is switched or its window changed. */
    this.onChange = () => {};
    this.count = document.getElementById('events-count');
  }

  /** The window a report map of the view should carry, days (0: events hidden). */
  reportWindow() {
    if (!this.visible) return 0;
    return this.windowDays > 0 ? this.windowDays : 366;
  }

  /** Whether a click at `point` (pixels) hits an event, a cluster or a camp. */
  hit(point) {
    return this.map.queryRenderedFeatures(point, { layers: ['event-circles', 'event-singles', 'event-clusters', 'site-squares'] })
      .some((f) => f.layer.id !== 'event-circles' || f.state?.o > 0);
  }

  /** The window ending with the day of `t`: [day(t) + 1 − window, day(t) + 1), ms. */
  windowOf(t) {
    const until = Math.floor(t / DAY) * DAY + DAY;
    const from = this.windowDays > 0 ? until - this.windowDays * DAY : this.first;
    return [from, until];
  }

  /** The events of the window ending with the day of `t`. */
  inWindow(t) {
    const [from, until] = this.windowOf(t);
    return this.events.filter((e) => e.start < until && e.end > from);
  }

  /**
   * Loads the months the window of `t` touches that are not loaded yet (events are fetched a
   * calendar month at a time, so scrubbing asks for each month once, whatever the data set's
   * size); resolves when they are in.
   */
  load(t) {
    // A data set of a few thousand events comes in one request, and the map gets its data once.
    if (this.total <= LOAD_ALL_BELOW) {
      if (!this.months.has('all')) this.months.set('all', this.fetchEvents(null).then((c) => this.take(c)));
      return this.months.get('all');
    }
    const [from, until] = this.windowOf(t);
    const wanted = [];
    const d = new Date(Math.max(from, this.first));
    let month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    while (month < Math.min(until, this.last + DAY)) {
      const next = new Date(month);
      next.setUTCMonth(next.getUTCMonth() + 1);
      if (!this.months.has(month)) {
        const period = `${new Date(month).toISOString()}/${new Date(next.getTime() - 1).toISOString()}`;
        this.months.set(month, this.fetchEvents(period).then((c) => this.take(c)));
      }
      wanted.push(this.months.get(month));
      month = next.getTime();
    }
    return Promise.all(wanted);
  }

  /** Adds a fetched collection's events and sources. */
  take(collection) {
    Object.assign(this.sources, collection.sources ?? {});
    let added = 0;
    for (const f of collection.features) {
      if (this.byId.has(f.id)) continue;
      const p = f.properties;
      const [outline, width] = GRADES[p.grade] ?? GRADES.weak;
      this.byId.set(f.id, {
        ...f, start: day(p.date_start), end: day(p.date_end) + DAY, num: this.byId.size,
        look: { id: p.id, kind: p.kind, colour: this.colour(p.responsible), size: p.largest ?? 0, outline, outline_width: width },
      });
      added += 1;
    }
    this.events = [...this.byId.values()].sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
    if (!added) return;
    this.map.getSource('events').setData({
      type: 'FeatureCollection',
      features: this.events.map((e) => ({ type: 'Feature', id: e.num, geometry: e.geometry, properties: e.look })),
    });
  }

  /** Sets the range events may lie in (the timeline's), so loading stops at its ends, and how
   * many events there are (up to LOAD_ALL_BELOW they are loaded at once). */
  setRange(first, last, total) {
    this.total = total;
    this.first = Math.floor(first / DAY) * DAY;
    this.last = last;
  }

  /** Shows the window of `t` from what is loaded, loads what is missing and shows it again
   * when it is in, if `t` is still the date shown. */
  update(t) {
    if (t === null) return;
    this.complete = null;
    delete document.body.dataset.eventsAt;
    this.draw(t);
    if (!this.visible) { this.complete = t; this.schedule(); return; }
    this.load(t).then(() => {
      if (this.t !== t) return;
      this.complete = t;
      this.draw(t);
    });
  }

  /** Works out what the window of `t` shows (cheap: no map call) and schedules handing it to
   * the map. */
  draw(t) {
    this.t = t;
    const until = Math.floor(t / DAY) * DAY + DAY;
    const span = this.windowDays > 0 ? this.windowDays * DAY : until - this.first;
    this.shown = this.visible ? this.inWindow(t) : [];
    this.target = new Map();
    const features = this.shown.map((e) => {
      // Fades from 1 (under way on the shown day) to 0.4 (at the window's far end).
      const age = Math.max(0, until - e.end) / Math.max(span, DAY);
      const opacity = e.properties.grade === 'discounted' ? 0.35 : fade(age);
      this.target.set(e.num, opacity);
      return { type: 'Feature', geometry: e.geometry, properties: { ...e.look, opacity } };
    });
    /** What the map draws (once handed over): for tests and tools. */
    this.drawnEvents = features;
    const camps = this.visible ? this.sites.map((s) => ({ s, pop: populationAt(s.properties, t), open: isOpen(s.properties, t) })) : [];
    this.drawnSites = camps.filter((c) => c.open).map(({ s, pop }) => ({
      type: 'Feature', geometry: s.geometry,
      properties: { id: s.id, population: pop ? (pop.max ?? pop.min) : 0 },
    }));
    this.count.textContent = this.visible ? `${features.length} event${features.length === 1 ? '' : 's'} in the window` : '';
    document.body.dataset.events = String(features.length);
    this.schedule();
  }

  /**
   * Hands the map what `draw` worked out: at once, or, while the date moves, at most every
   * THROTTLE_MS (the last one always). Any change to the map's event data costs the next frame
   * 40 to 150 ms in software WebGL, so scrubbing stays as fast as the districts and the events
   * follow a quarter of a second behind.
   */
  schedule() {
    if (this.timer) return;
    const wait = this.lastHandOver + THROTTLE_MS - performance.now();
    if (wait > 0) this.timer = setTimeout(() => { this.timer = null; this.apply(); }, wait);
    else this.apply();
  }

  apply() {
    this.lastHandOver = performance.now();
    // Only the events whose look changed are touched.
    for (const [num, o] of this.target) {
      if (this.states.get(num) !== o) this.map.setFeatureState({ source: 'events', id: num }, { o });
    }
    for (const num of this.states.keys()) {
      if (!this.target.has(num)) this.map.setFeatureState({ source: 'events', id: num }, { o: 0 });
    }
    this.states = this.target;
    const eventsKey = this.drawnEvents.map((f) => `${f.properties.id}:${f.properties.opacity}`).join(',');
    if (eventsKey !== this.eventsKey) {
      this.eventsKey = eventsKey;
      if (this.map.getZoom() < CLUSTER_BELOW) this.handOver();
      else this.groupsStale = true;
    }
    const sitesKey = this.drawnSites.map((f) => `${f.properties.id}:${f.properties.population}`).join(',');
    if (sitesKey !== this.sitesKey) {
      this.sitesKey = sitesKey;
      this.map.getSource('sites').setData({ type: 'FeatureCollection', features: this.drawnSites });
    }
    if (this.complete === this.t) document.body.dataset.eventsAt = new Date(this.t).toISOString();
  }

  /** Gives the clustered source the window's events. */
  handOver() {
    this.groupsStale = false;
    this.map.getSource('event-groups').setData({ type: 'FeatureCollection', features: this.drawnEvents });
  }

  sourceLink(id) {
    const s = this.sources[id];
    if (!s) return escapeHtml(id);
    return `<a href="${escapeHtml(s.url)}" target="_blank" rel="noopener">${escapeHtml(s.title)}</a> (${escapeHtml(s.publisher)}, ${escapeHtml(s.published)})`;
  }

  popup(id, at) {
    const e = this.events.find((x) => x.properties.id === id);
    if (!e) return;
    const p = e.properties;
    const dates = p.date_start === p.date_end ? p.date_start : `${p.date_start} – ${p.date_end}`;
    const figures = p.figures.map((f) => `<li data-figure><b>${escapeHtml(range(f.min, f.max))}</b> ${escapeHtml(f.metric)} (${escapeHtml(f.group)}): ${escapeHtml(f.claimant)}. ${this.sourceLink(f.source)}${f.note ? `<br><span class="muted">${escapeHtml(f.note)}</span>` : ''}</li>`).join('');
    const html = `<div class="event-popup" data-event="${escapeHtml(p.id)}">
      <h3>${escapeHtml(p.title)}</h3>
      <p class="muted">${escapeHtml(p.kind.replace('_', ' '))} · ${escapeHtml(dates)} (${escapeHtml(p.date_precision)}) · ${escapeHtml(p.place)} (${escapeHtml(p.location_precision)}, ±${p.uncertainty_km} km) · grade: <b>${escapeHtml(p.grade)}</b>${p.responsible ? ` · held responsible: ${escapeHtml(this.name(p.responsible))}` : ' · responsibility unknown or disputed'}</p>
      <p>${escapeHtml(p.summary)}</p>
      ${figures ? `<p><b>Every claim</b>, side by side:</p><ul class="figures">${figures}</ul>` : ''}
      <p><b>Sources</b></p><ul class="event-sources">${p.sources.map((s) => `<li>${this.sourceLink(s)}</li>`).join('')}</ul>
      ${p.note ? `<p class="muted">${escapeHtml(p.note)}</p>` : ''}</div>`;
    this.open(html, at);
  }

  sitePopup(id, at) {
    const s = this.sites.find((x) => x.id === id);
    if (!s) return;
    const p = s.properties;
    const pop = populationAt(p, this.t);
    const counts = p.observations.map((o) => `<li>${escapeHtml(o.date)}: ${escapeHtml(o.metric)} ${escapeHtml(range(o.min, o.max))}. ${this.sourceLink(o.source)}</li>`).join('');
    const html = `<div class="event-popup" data-site="${escapeHtml(p.id)}">
      <h3>${escapeHtml(p.name)}</h3>
      <p class="muted">${escapeHtml(p.kind)} · ${escapeHtml(p.operator)} · open ${escapeHtml(p.opened ?? '?')} – ${escapeHtml(p.closed ?? 'still open')}</p>
      <p data-population>${pop ? `Population on this date: <b>${escapeHtml(range(pop.min, pop.max))}</b> (count of ${escapeHtml(pop.date)}, ${this.sourceLink(pop.source)})` : 'No population count on or before this date.'}</p>
      <p><b>Every count</b></p><ul class="figures">${counts}</ul>
      <p><b>Sources</b></p><ul class="event-sources">${p.sources.map((x) => `<li>${this.sourceLink(x)}</li>`).join('')}</ul></div>`;
    this.open(html, at);
  }

  open(html, at) {
    this.popupEl?.remove();
    this.popupEl = new maplibregl.Popup({ maxWidth: '360px', className: 'frontline-popup' })
      .setLngLat(at).setHTML(html).addTo(this.map);
  }
}

function isOpen(site, t) {
  const d = Math.floor(t / DAY) * DAY;
  return !(site.opened && day(site.opened) > d) && !(site.closed && day(site.closed) < d);
}

/** Opacity by age in the window (0: under way on the shown day, 1: at its far end), in four
 * steps from 1 to 0.4, so the data change only when an event crosses a step. */
function fade(age) {
  return [1, 0.8, 0.6, 0.4][Math.min(3, Math.floor(age * 4))];
}

const empty = () => ({ type: 'FeatureCollection', features: [] });

/** A cluster's count as an image: white digits drawn on a canvas. */
function countImage(text) {
  const canvas = document.createElement('canvas');
  canvas.width = 48;
  canvas.height = 32;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.font = 'bold 22px sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, 24, 17);
  return ctx.getImageData(0, 0, 48, 32);
}
