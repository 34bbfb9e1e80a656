// The events layer and the camps: every event and site is loaded once; on each date those of
// the time window (default: the 7 days up to the shown date) are drawn, older ones fading. An
// event is a circle in the colour of the faction held responsible (grey: unknown), sized by the
// largest figure any claim gives, outlined by grade, with a white pictogram of its kind; below
// CLUSTER_BELOW crowded ones are clustered with their count. A click shows every claim with its
// figures and sources. Camps open at the shown date are blue squares sized by their population
// then. All of it is drawn by one layer of our own (event-points.js), so a step of the slider
// hands MapLibre no new data.

import * as maplibregl from './gl.js';
import { EventPoints, MAX_COUNT, rgbOf } from './event-points.js';
import { eventHtml, isOpen, populationAt, siteHtml } from './event-popups.js';
import { escapeHtml } from './map-layer.js';

const DAY = 86_400_000;
/** What a dot needs (its place, days, colour, size and outline); the rest comes on a click. */
const DOT_PROPERTIES = ['id', 'kind', 'date_start', 'date_end', 'responsible', 'grade', 'largest'];
/** Data sets with fewer events are loaded whole; larger ones a month at a time. */
const LOAD_ALL_BELOW = 20_000;
/** Events lasting longer than this (ms) are few; a window search checks them apart. */
const LONG = 32 * DAY;
/** Below this zoom (MapLibre's, 512-pixel tiles) events are clustered. */
const CLUSTER_BELOW = 11;
/** Events closer than this (CSS pixels at the zoom level's start) are clustered. */
const CLUSTER_RADIUS = 28;
/** A pictogram's CSS size (its 48-pixel cell at twice CSS size, scaled as drawn). */
const ICON = 24;

/** How each grade is outlined: colour and width (px). */
export const GRADES = {
  confirmed: ['#111111', 2.5], fair: ['#4b5563', 1.75], weak: ['#9ca3af', 1],
  contested: ['#d97706', 2.5], discounted: ['#d1d5db', 1],
};
const WHITE = [1, 1, 1];
const CLUSTER_FILL = [...rgbOf('#374151'), 0.85];

/** Events in order of first day, then id. */
const byStart = (a, b) => a.start - b.start || (a.id < b.id ? -1 : 1);
/** Two lists each in `byStart` order merged into one in that order. */
function mergeSorted(a, b) {
  const out = new Array(a.length + b.length);
  let [i, j, k] = [0, 0, 0];
  while (i < a.length && j < b.length) out[k++] = byStart(a[i], b[j]) <= 0 ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

const day = (s) => Date.parse(`${s}T00:00:00Z`);
const mercator = (lonLat) => {
  const m = maplibregl.MercatorCoordinate.fromLngLat(lonLat);
  return [m.x, m.y];
};

/** `y` at `x` on the piecewise-linear curve through `stops` ([x, y] pairs), clamped at its ends. */
function interpolate(stops, x) {
  if (x <= stops[0][0]) return stops[0][1];
  for (let i = 1; i < stops.length; i += 1) {
    const [[x0, y0], [x1, y1]] = [stops[i - 1], stops[i]];
    if (x <= x1) return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
  }
  return stops[stops.length - 1][1];
}
const RADIUS = [[0, 7], [10, 9], [100, 13], [1000, 18]];
const CLUSTER_SIZE = [[2, 12], [20, 20]];
const CAMP_SIZE = [[0, 0.8], [10000, 1.1], [50000, 1.6], [200000, 2.2]];

export class EventsLayer {
  /**
   * @param {(datetime: string, properties: string[]) => Promise<object>} fetchEvents the events
   * of an OGC `datetime` period with only `properties`, as `/api/events` gives them
   * @param {(id: string) => Promise<object>} fetchEvent one event in full, as `/api/events/{id}`
   */
  constructor(map, palette, fetchEvents, fetchEvent, sites, slot) {
    this.map = map;
    this.fetchEvents = (datetime) => fetchEvents(datetime, DOT_PROPERTIES);
    this.fetchEvent = fetchEvent;
    /** Events fetched in full for their popups, by id. */
    this.full = new Map();
    /** The reports cited by the sites and by the events fetched in full, by id. */
    this.sources = { ...sites.sources };
    /** Every event loaded so far, by id, and the months loaded (or loading). */
    this.byId = new Map();
    this.events = [];
    this.long = [];
    this.generation = 0;
    this.months = new Map();
    this.sites = sites.features;
    this.windowDays = 7;
    this.visible = true;
    this.t = null;
    this.shown = [];
    this.drawnEvents = [];
    this.drawnSites = [];
    /** What the layer draws, in its order: `{ type: 'site' | 'event' | 'cluster', at, reach, … }`. */
    this.items = [];
    this.colour = (id) => (id ? palette.colorOf(id) : '#6b7280');
    this.name = (id) => palette.labelOf(id);
    this.points = new EventPoints('events');
    map.addLayer(this.points, slot);
    // Clusters are made for each whole zoom level, as the map's own clustering does.
    this.level = null;
    map.on('zoom', () => {
      const level = Math.min(CLUSTER_BELOW, Math.floor(map.getZoom()));
      if (level !== this.level) this.layout();
    });
    map.on('click', (e) => {
      const item = this.pick(e.point);
      if (item?.type === 'event') this.popup(item.id, e.lngLat);
      else if (item?.type === 'site') this.sitePopup(item.id, e.lngLat);
      else if (item?.type === 'cluster') this.expand(item);
    });
    // The pointer over what can be clicked (the districts' layer sets its own over districts).
    let pointing = false;
    map.on('mousemove', (e) => {
      const over = this.pick(e.point) !== null;
      if (over) map.getCanvas().style.cursor = 'pointer';
      else if (pointing) map.getCanvas().style.cursor = '';
      pointing = over;
    });

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

  /** The window ending with the day of `t`: [day(t) + 1 − window, day(t) + 1), ms. */
  windowOf(t) {
    const until = Math.floor(t / DAY) * DAY + DAY;
    const from = this.windowDays > 0 ? until - this.windowDays * DAY : this.first;
    return [from, until];
  }

  /** The events of the window ending with the day of `t`. */
  inWindow(t) {
    const [from, until] = this.windowOf(t);
    // Events are sorted by start: those lasting up to LONG start in [from − LONG, until), found by
    // a binary search; the few longer ones are checked apart. A step then costs the window's
    // events, not every event loaded.
    const reach = from - LONG;
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.events[mid].start < reach) lo = mid + 1; else hi = mid;
    }
    const out = this.long.filter((e) => e.start < reach && e.end > from);
    for (let i = lo; i < this.events.length && this.events[i].start < until; i += 1) {
      if (this.events[i].end > from) out.push(this.events[i]);
    }
    return out;
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
    const added = [];
    for (const f of collection.features) {
      if (this.byId.has(f.id)) continue;
      const p = f.properties;
      const [outline, width] = GRADES[p.grade] ?? GRADES.weak;
      const event = {
        ...f, start: day(p.date_start), end: day(p.date_end) + DAY, mercator: mercator(f.geometry.coordinates),
        look: { id: p.id, kind: p.kind, colour: this.colour(p.responsible), size: p.largest ?? 0, outline, outline_width: width },
      };
      this.byId.set(f.id, event);
      added.push(event);
    }
    if (!added.length) return;
    // A month's events merged into those loaded (both in order): linear in what is loaded, where
    // sorting them all again grows with every month loaded.
    this.events = mergeSorted(this.events, added.sort(byStart));
    this.long = this.events.filter((e) => e.end - e.start > LONG);
    this.generation += 1;
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
    const generation = this.generation;
    this.draw(t);
    if (!this.visible) { this.complete = t; this.layout(); return; }
    this.load(t).then(() => {
      if (this.t !== t) return;
      this.complete = t;
      // Nothing new came in (the months were loaded): what is drawn is already complete.
      if (this.generation === generation) this.markComplete();
      else this.draw(t);
    });
  }

  /** Works out what the window of `t` shows and draws it. */
  draw(t) {
    this.t = t;
    const until = Math.floor(t / DAY) * DAY + DAY;
    const span = this.windowDays > 0 ? this.windowDays * DAY : until - this.first;
    this.shown = this.visible ? this.inWindow(t) : [];
    /** What is drawn, for tests and tools: each event with its look and opacity, each camp open
     * with its population. */
    this.drawnEvents = this.shown.map((e) => {
      // Fades from 1 (under way on the shown day) to 0.4 (at the window's far end).
      const age = Math.max(0, until - e.end) / Math.max(span, DAY);
      const opacity = e.properties.grade === 'discounted' ? 0.35 : fade(age);
      return { type: 'Feature', geometry: e.geometry, properties: { ...e.look, opacity }, mercator: e.mercator };
    });
    const camps = this.visible ? this.sites.filter((s) => isOpen(s.properties, t)) : [];
    this.drawnSites = camps.map((s) => {
      const pop = populationAt(s.properties, t);
      return { type: 'Feature', geometry: s.geometry, properties: { id: s.id, population: pop ? (pop.max ?? pop.min) : 0 } };
    });
    const n = this.drawnEvents.length;
    this.count.textContent = this.visible ? `${n} event${n === 1 ? '' : 's'} in the window` : '';
    document.body.dataset.events = String(n);
    this.layout();
  }

  /** Hands the layer what is drawn at the map's zoom: the camps, then the events, clustered
   * where they crowd below CLUSTER_BELOW. */
  layout() {
    this.level = Math.min(CLUSTER_BELOW, Math.floor(this.map.getZoom()));
    const items = this.drawnSites.map((f) => ({
      type: 'site', id: f.properties.id, at: f.geometry.coordinates, fill: [0, 0, 0, 0], stroke: WHITE, width: 0,
      radius: 0, halo: 0, opacity: 1, icon: 'kind-camp', iconSize: ICON * interpolate(CAMP_SIZE, f.properties.population),
    }));
    for (const item of items) item.reach = item.iconSize / 3;
    const groups = this.level < CLUSTER_BELOW ? clusters(this.drawnEvents, CLUSTER_RADIUS / (512 * 2 ** this.level)) : this.drawnEvents.map((f) => [f]);
    for (const group of groups) {
      if (group.length === 1) {
        const p = group[0].properties;
        const radius = interpolate(RADIUS, p.size);
        items.push({
          type: 'event', id: p.id, at: group[0].geometry.coordinates, fill: [...rgbOf(p.colour), 1], stroke: rgbOf(p.outline),
          width: p.outline_width, radius, halo: 1.5, opacity: p.opacity, icon: `kind-${p.kind}`, iconSize: ICON * 0.9,
          reach: radius + p.outline_width,
        });
      } else {
        const at = [0, 1].map((k) => group.reduce((sum, f) => sum + f.geometry.coordinates[k], 0) / group.length);
        const radius = interpolate(CLUSTER_SIZE, group.length);
        items.push({
          type: 'cluster', ids: group.map((f) => f.properties.id), count: group.length, at, fill: CLUSTER_FILL, stroke: WHITE,
          width: 1.5, radius, halo: 0, opacity: 1, icon: group.length < MAX_COUNT ? `count-${group.length}` : 'count-many', iconSize: ICON,
          reach: radius + 1.5, members: group.map((f) => f.geometry.coordinates),
        });
      }
    }
    this.items = items;
    this.points.set(items, mercator);
    this.markComplete();
  }

  /** Tells tests and tools the events of the date shown are all drawn. */
  markComplete() {
    if (this.complete === this.t) document.body.dataset.eventsAt = new Date(this.t).toISOString();
  }

  /** The topmost thing drawn under `point` (CSS pixels on the map), or null. */
  pick(point) {
    for (let i = this.items.length - 1; i >= 0; i -= 1) {
      const item = this.items[i];
      const p = this.map.project(item.at);
      if (Math.hypot(p.x - point.x, p.y - point.y) <= item.reach + 1) return item;
    }
    return null;
  }

  /** Whether a click at `point` (pixels) hits an event, a cluster or a camp. */
  hit(point) {
    return this.pick(point) !== null;
  }

  /** What is drawn in view now, topmost last: for tests and tools. */
  rendered() {
    const canvas = this.map.getCanvas();
    return this.items.filter((item) => {
      const p = this.map.project(item.at);
      return p.x >= 0 && p.y >= 0 && p.x <= canvas.clientWidth && p.y <= canvas.clientHeight;
    }).map(({ type, id, ids, count, at, opacity }) => ({ type, id, ids, count, at, opacity }));
  }

  /** Zooms in on a cluster's events, at least to where they are drawn one by one. */
  expand(cluster) {
    const lons = cluster.members.map((c) => c[0]);
    const lats = cluster.members.map((c) => c[1]);
    const bounds = [[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]];
    const camera = this.map.cameraForBounds(bounds, { padding: 60 });
    const zoom = Math.min(16, Math.max(CLUSTER_BELOW, camera?.zoom ?? CLUSTER_BELOW));
    this.map.jumpTo({ center: camera?.center ?? cluster.at, zoom });
  }

  /** Opens the popup of event `id` at `at`: the dots carry only what draws them, so the event
   * is fetched in full (once) with the reports it cites. */
  popup(id, at) {
    if (!this.byId.has(id)) return Promise.resolve();
    // A slow answer for an earlier click does not cover the popup of a later one.
    this.wanted = id;
    let full = this.full.get(id);
    if (!full) {
      full = this.fetchEvent(id).then((f) => {
        Object.assign(this.sources, f.sources ?? {});
        return f;
      });
      full.catch(() => this.full.delete(id));
      this.full.set(id, full);
    }
    return full.then((f) => this.wanted === id && this.open(eventHtml(f.properties, this.sources, this.name), at),
      (err) => this.wanted === id && this.open(`<p class="error">${escapeHtml(err.message)}</p>`, at));
  }

  sitePopup(id, at) {
    this.wanted = null;
    const s = this.sites.find((x) => x.id === id);
    if (s) this.open(siteHtml(s.properties, this.t, this.sources), at);
  }

  open(html, at) {
    this.popupEl?.remove();
    this.popupEl = new maplibregl.Popup({ maxWidth: '360px', className: 'frontline-popup' })
      .setLngLat(at).setHTML(html).addTo(this.map);
  }
}

/**
 * The events in groups: each event, in order, gathers those not yet grouped within `radius`
 * (Web Mercator units) of it; lone events are groups of one.
 */
function clusters(features, radius) {
  const cell = (m) => `${Math.floor(m[0] / radius)},${Math.floor(m[1] / radius)}`;
  const grid = new Map();
  features.forEach((f, i) => {
    const key = cell(f.mercator);
    if (!grid.has(key)) grid.set(key, []);
    grid.get(key).push(i);
  });
  const taken = new Uint8Array(features.length);
  const groups = [];
  features.forEach((f, i) => {
    if (taken[i]) return;
    const [cx, cy] = [Math.floor(f.mercator[0] / radius), Math.floor(f.mercator[1] / radius)];
    const group = [];
    for (let dx = -1; dx <= 1; dx += 1) {
      for (let dy = -1; dy <= 1; dy += 1) {
        for (const j of grid.get(`${cx + dx},${cy + dy}`) ?? []) {
          const m = features[j].mercator;
          if (!taken[j] && Math.hypot(m[0] - f.mercator[0], m[1] - f.mercator[1]) <= radius) {
            taken[j] = 1;
            group.push(features[j]);
          }
        }
      }
    }
    groups.push(group);
  });
  return groups;
}

/** Opacity by age in the window (0: under way on the shown day, 1: at its far end), in four
 * steps from 1 to 0.4. */
function fade(age) {
  return [1, 0.8, 0.6, 0.4][Math.min(3, Math.floor(age * 4))];
}
