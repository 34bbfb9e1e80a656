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
import { EventStore } from './event-store.js';
import { escapeHtml } from './map-layer.js';

const DAY = 86_400_000;
/** Data sets with fewer events are loaded whole; larger ones a month at a time. */
const LOAD_ALL_BELOW = 20_000;
/** Months fetched ahead of the window while the date moves. */
const AHEAD = 2;
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
   * @param {(datetime: string | null) => string} eventStreamUrl the URL of what the dots of an
   * OGC `datetime` period (every event for null) need: their places, days, colours, sizes and
   * outlines (the rest of an event comes on a click)
   * @param {(id: string) => Promise<object>} fetchEvent one event in full, as `/api/events/{id}`
   */
  constructor(map, palette, eventStreamUrl, fetchEvent, sites, slot) {
    this.map = map;
    this.fetchEvent = fetchEvent;
    /** Events fetched in full for their popups, by id. */
    this.full = new Map();
    /** The reports cited by the sites and by the events fetched in full, by id. */
    this.sources = { ...sites.sources };
    /** Every event loaded so far (`byId.get(id)`, `byId.size`), and the months loaded (or
     * loading). */
    this.byId = new EventStore(eventStreamUrl);
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

  /** Every event loaded, in order of first day: for tests and tools. */
  get events() {
    return this.byId.all();
  }

  /** How many events are loaded and have been added to. */
  get generation() {
    return this.byId.generation;
  }

  /**
   * Loads the months the window of `t` touches that are not loaded yet (events are fetched a
   * calendar month at a time, so scrubbing asks for each month once, whatever the data set's
   * size); resolves when they are in.
   */
  load(t) {
    // A data set of a few thousand events comes in one request, and the map gets its data once.
    if (this.total <= LOAD_ALL_BELOW) {
      return this.month('all');
    }
    const [from, until] = this.windowOf(t);
    return Promise.all(this.monthsMeeting(from, until).map((m) => this.month(m.from, m)));
  }

  /**
   * While the slider is dragged or the timeline plays, the AHEAD months past the window of `t`
   * in the direction of travel (1 forwards, −1 back) are fetched too, so events are drawn with
   * the step that reaches them rather than a frame later.
   */
  loadAhead(t, direction) {
    if (this.total <= LOAD_ALL_BELOW || !direction) return;
    const [from, until] = this.windowOf(t);
    const edge = new Date(direction > 0 ? until : from);
    const start = Date.UTC(edge.getUTCFullYear(), edge.getUTCMonth() + (direction > 0 ? 0 : -AHEAD), 1);
    const end = Date.UTC(edge.getUTCFullYear(), edge.getUTCMonth() + (direction > 0 ? AHEAD : 0), 1);
    // A failure is left to the step that needs the month: it asks again.
    for (const m of this.monthsMeeting(start, end)) this.month(m.from, m).catch(() => {});
  }

  /** The calendar months ({from, until}, ms) meeting [from, until) within the events' range. */
  monthsMeeting(from, until) {
    const out = [];
    const d = new Date(Math.max(from, this.first));
    let month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    while (month < Math.min(until, this.last + DAY)) {
      const next = new Date(month);
      next.setUTCMonth(next.getUTCMonth() + 1);
      out.push({ from: month, until: next.getTime() });
      month = next.getTime();
    }
    return out;
  }

  /** Loads the events of calendar month `key` ({from, until} in ms; every event for 'all')
   * once; one that failed is asked for again the next time. */
  month(key, bounds = null) {
    if (!this.months.has(key)) {
      const period = bounds && `${new Date(bounds.from).toISOString()}/${new Date(bounds.until - 1).toISOString()}`;
      const loading = this.byId.load(period, bounds);
      loading.catch(() => this.months.delete(key));
      this.months.set(key, loading);
    }
    return this.months.get(key);
  }

  /** Sets the range events may lie in (the timeline's), so loading stops at its ends, and how
   * many events there are (up to LOAD_ALL_BELOW they are loaded at once). */
  setRange(first, last, total) {
    this.total = total;
    this.first = Math.floor(first / DAY) * DAY;
    this.last = last;
  }

  /** Shows the window of `t` from what is loaded, loads what is missing and shows it again
   * when it is in, if `t` is still the date shown; `moving` while the slider is dragged or the
   * timeline plays. */
  update(t, moving = false) {
    if (t === null) return;
    this.complete = null;
    delete document.body.dataset.eventsAt;
    const generation = this.generation;
    const direction = moving && this.t !== null ? Math.sign(t - this.t) : 0;
    this.draw(t);
    if (!this.visible) { this.complete = t; this.layout(); return; }
    this.load(t).then(() => {
      this.loadAhead(t, direction);
      if (this.t !== t) return;
      this.complete = t;
      // Nothing new came in (the months were loaded): what is drawn is already complete.
      if (this.generation === generation) this.markComplete();
      else this.draw(t);
    }, (err) => {
      // Shown in the layer's count; the month is asked for again on the next step.
      if (this.t === t) this.count.textContent = `Events could not be loaded: ${err.message}`;
    });
  }

  /** Works out what the window of `t` shows and draws it. */
  draw(t) {
    this.t = t;
    const until = Math.floor(t / DAY) * DAY + DAY;
    const span = this.windowDays > 0 ? this.windowDays * DAY : until - this.first;
    this.shown = this.visible ? this.byId.between(...this.windowOf(t)) : [];
    /** What is drawn, for tests and tools: each event with its look and opacity, each camp open
     * with its population. */
    this.drawnEvents = this.shown.map((e) => {
      // Fades from 1 (under way on the shown day) to 0.4 (at the window's far end).
      const age = Math.max(0, until - e.end) / Math.max(span, DAY);
      const opacity = e.properties.grade === 'discounted' ? 0.35 : fade(age);
      const p = e.properties;
      const [outline, width] = GRADES[p.grade] ?? GRADES.weak;
      const look = { id: p.id, kind: p.kind, colour: this.colour(p.responsible), size: p.largest ?? 0, outline, outline_width: width };
      return { type: 'Feature', geometry: e.geometry, properties: { ...look, opacity }, mercator: e.mercator };
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
  // Cells of the grid by number (x across, y down, Web Mercator): events are clustered only
  // below zoom CLUSTER_BELOW, where a radius is over 1/20,000 of the world, so a row has fewer
  // than 2^26 cells.
  const ROW = 2 ** 26;
  const cellOf = (m) => Math.floor(m[0] / radius) + ROW * Math.floor(m[1] / radius);
  const grid = new Map();
  features.forEach((f, i) => {
    const key = cellOf(f.mercator);
    const members = grid.get(key);
    if (members) members.push(i); else grid.set(key, [i]);
  });
  const taken = new Uint8Array(features.length);
  const groups = [];
  features.forEach((f, i) => {
    if (taken[i]) return;
    const cell = cellOf(f.mercator);
    const group = [];
    for (let dx = -1; dx <= 1; dx += 1) {
      for (let dy = -1; dy <= 1; dy += 1) {
        for (const j of grid.get(cell + dx + ROW * dy) ?? []) {
          const m = features[j].mercator;
          const [dxm, dym] = [m[0] - f.mercator[0], m[1] - f.mercator[1]];
          if (!taken[j] && dxm * dxm + dym * dym <= radius * radius) {
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
