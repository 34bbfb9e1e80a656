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
  constructor(map, palette, collection, sites, slot) {
    this.map = map;
    this.sources = collection.sources ?? {};
    this.events = collection.features.map((f) => ({
      ...f, start: day(f.properties.date_start), end: day(f.properties.date_end) + DAY,
    }));
    this.sites = sites.features;
    this.windowDays = 7;
    this.visible = true;
    this.t = null;
    this.shown = [];
    this.colour = (id) => (id ? palette.colorOf(id) : '#6b7280');
    this.name = (id) => palette.labelOf(id);
    for (const kind of KINDS) map.addImage(`kind-${kind}`, drawKind(kind), { pixelRatio: 2 });
    // Cluster counts are images drawn here: the page loads no font from anywhere.
    for (let n = 2; n < MAX_COUNT; n += 1) map.addImage(`count-${n}`, countImage(String(n)), { pixelRatio: 2 });
    map.addImage('count-many', countImage(`${MAX_COUNT}+`), { pixelRatio: 2 });
    map.addSource('events', {
      type: 'geojson', data: empty(), cluster: true, clusterRadius: 28, clusterMaxZoom: 14,
    });
    map.addSource('sites', { type: 'geojson', data: empty() });
    map.addLayer({
      id: 'site-squares', type: 'symbol', source: 'sites',
      layout: {
        'icon-image': 'kind-camp', 'icon-allow-overlap': true,
        'icon-size': ['interpolate', ['linear'], ['get', 'population'], 0, 0.8, 10000, 1.1, 50000, 1.6, 200000, 2.2],
      },
    }, slot);
    map.addLayer({
      id: 'event-clusters', type: 'circle', source: 'events', filter: ['has', 'point_count'],
      paint: { 'circle-color': '#374151', 'circle-opacity': 0.85, 'circle-radius': ['interpolate', ['linear'], ['get', 'point_count'], 2, 12, 20, 20], 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 },
    }, slot);
    map.addLayer({
      id: 'event-counts', type: 'symbol', source: 'events', filter: ['has', 'point_count'],
      layout: {
        'icon-image': ['case', ['<', ['get', 'point_count'], MAX_COUNT], ['concat', 'count-', ['to-string', ['get', 'point_count']]], 'count-many'],
        'icon-allow-overlap': true,
      },
    }, slot);
    // A white ring keeps dark circles apart from dark ground.
    map.addLayer({
      id: 'event-halos', type: 'circle', source: 'events', filter: ['!', ['has', 'point_count']],
      paint: {
        'circle-color': '#ffffff',
        'circle-radius': ['+', ['get', 'outline_width'], 1.5, ['interpolate', ['linear'], ['get', 'size'], 0, 7, 10, 9, 100, 13, 1000, 18]],
        'circle-opacity': ['get', 'opacity'],
      },
    }, slot);
    map.addLayer({
      id: 'event-circles', type: 'circle', source: 'events', filter: ['!', ['has', 'point_count']],
      paint: {
        'circle-color': ['get', 'colour'],
        'circle-radius': ['interpolate', ['linear'], ['get', 'size'], 0, 7, 10, 9, 100, 13, 1000, 18],
        'circle-stroke-color': ['get', 'outline'],
        'circle-stroke-width': ['get', 'outline_width'],
        'circle-opacity': ['get', 'opacity'],
        'circle-stroke-opacity': ['get', 'opacity'],
      },
    }, slot);
    map.addLayer({
      id: 'event-icons', type: 'symbol', source: 'events', filter: ['!', ['has', 'point_count']],
      layout: { 'icon-image': ['concat', 'kind-', ['get', 'kind']], 'icon-allow-overlap': true, 'icon-size': 0.9 },
      paint: { 'icon-opacity': ['get', 'opacity'] },
    }, slot);

    map.on('click', 'event-circles', (e) => this.popup(e.features[0].properties.id, e.lngLat));
    map.on('click', 'event-clusters', (e) => {
      const f = e.features[0];
      map.getSource('events').getClusterExpansionZoom(f.properties.cluster_id)
        .then((zoom) => map.easeTo({ center: f.geometry.coordinates, zoom, duration: 0 }));
    });
    map.on('click', 'site-squares', (e) => this.sitePopup(e.features[0].properties.id, e.lngLat));
    for (const id of ['event-circles', 'event-clusters', 'site-squares']) {
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
    return this.map.queryRenderedFeatures(point, { layers: ['event-circles', 'event-clusters', 'site-squares'] }).length > 0;
  }

  /** The events of the window ending with the day of `t`: [day(t) + 1 − window, day(t) + 1). */
  inWindow(t) {
    const until = Math.floor(t / DAY) * DAY + DAY;
    const from = this.windowDays > 0 ? until - this.windowDays * DAY : -Infinity;
    return this.events.filter((e) => e.start < until && e.end > from);
  }

  update(t) {
    if (t === null) return;
    this.t = t;
    const until = Math.floor(t / DAY) * DAY + DAY;
    const span = this.windowDays > 0 ? this.windowDays * DAY : until - Math.min(...this.events.map((e) => e.start), until - DAY);
    this.shown = this.visible ? this.inWindow(t) : [];
    const features = this.shown.map((e) => {
      const p = e.properties;
      // Fades from 1 (under way on the shown day) to 0.35 (at the window's far end).
      const age = Math.max(0, until - e.end) / Math.max(span, DAY);
      const [outline, width] = GRADES[p.grade] ?? GRADES.weak;
      return {
        type: 'Feature', geometry: e.geometry,
        properties: {
          id: p.id, kind: p.kind, colour: this.colour(p.responsible), size: p.largest ?? 0,
          outline, outline_width: width, opacity: p.grade === 'discounted' ? 0.35 : Math.max(0.35, 1 - 0.65 * age),
        },
      };
    });
    /** What the map was last given: for tests and tools. */
    this.drawnEvents = features;
    this.map.getSource('events').setData({ type: 'FeatureCollection', features });
    const camps = this.visible ? this.sites.map((s) => ({ s, pop: populationAt(s.properties, t), open: isOpen(s.properties, t) })) : [];
    this.drawnSites = camps.filter((c) => c.open).map(({ s, pop }) => ({
      type: 'Feature', geometry: s.geometry,
      properties: { id: s.id, population: pop ? (pop.max ?? pop.min) : 0 },
    }));
    this.map.getSource('sites').setData({ type: 'FeatureCollection', features: this.drawnSites });
    this.count.textContent = this.visible ? `${features.length} event${features.length === 1 ? '' : 's'} in view of the window` : '';
    document.body.dataset.events = String(features.length);
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
