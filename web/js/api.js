// The server's JSON API: one function per endpoint the page uses. Everything comes from the
// serving origin; nothing loads from outside.

/** `known_at` of every read while the page shows the map as published on an earlier date. */
let knownAt = null;

/** Shows the map as it was known at `t` (ms), or as believed now (`null`). */
export function setKnownAt(t) {
  knownAt = Number.isFinite(t) ? new Date(t).toISOString() : null;
}

/** `path` with the page's `known_at`, if any. */
export function withKnowledge(path) {
  if (!knownAt) return path;
  return `${path}${path.includes('?') ? '&' : '?'}known_at=${encodeURIComponent(knownAt)}`;
}

/** Reads started before the code that needs them asks, by path: each answer is taken once. */
const early = new Map();

/** Starts the read of `path` (as the functions below ask for it) now, with the page's first
 * reads, rather than when the code that needs it gets there. */
export function prefetch(path) {
  if (early.has(path)) return;
  const answer = fetchJson(path);
  // A failure is the taker's to report; until taken it is no unhandled rejection.
  answer.catch(() => {});
  early.set(path, answer);
}

function getJson(path) {
  const answer = early.get(path);
  if (!answer) return fetchJson(path);
  early.delete(path);
  return answer;
}

async function fetchJson(path) {
  const res = await fetch(withKnowledge(path), { headers: { Accept: 'application/json' } });
  if (!res.ok) {
    let detail = res.statusText;
    try { detail = (await res.json()).detail ?? detail; } catch { /* not problem+json */ }
    throw new Error(`${path}: ${res.status} ${detail}`);
  }
  return res.json();
}

export const meta = () => getJson('/api/meta');
export const factions = () => getJson('/api/factions');
/** Every district without its outline (drawn from tiles): names, area, box and label anchor. */
export const timeline = () => getJson('/api/timeline');
/** Area per side over time within a region: `selector` is {region}, {group} or {bbox: [w,s,e,n]}. */
export const areaStats = (selector = {}) => getJson(areaStatsPath(selector));
export const areaStatsPath = (selector) => `/api/stats/area?${selectorQuery(selector)}`;
export const regions = () => getJson('/api/regions').then((b) => b.regions);
/** The one region of `selector`, with its districts' km² inside it. */
export const region = (selector) => getJson(`/api/regions?${selectorQuery(selector)}`).then((b) => b.regions[0]);
export const context = (url) => getJson(url);

function selectorQuery(selector) {
  const q = new URLSearchParams();
  if (selector.region) q.set('region', selector.region);
  if (selector.group) q.set('group', selector.group);
  if (selector.bbox) q.set('bbox', selector.bbox.map((v) => v.toFixed(5)).join(','));
  return q.toString();
}
/** A district's history with the states no longer believed, and its ETag (for `If-Match`). */
export async function history(id) {
  const res = await fetch(withKnowledge(`/api/districts/${encodeURIComponent(id)}/history?include=superseded`),
    { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`history of ${id}: ${res.status}`);
  const body = await res.json();
  const plain = await fetch(`/api/districts/${encodeURIComponent(id)}/history`, { method: 'HEAD' });
  body.etag = plain.headers.get('ETag');
  return body;
}
export const sources = () => getJson('/api/sources');
/** The URL (absolute, for a Worker) of the events whose days meet `datetime` (an OGC period;
 * every event without one) in the binary layout of `/api/events.bin`: what a dot needs. */
export function eventStreamUrl(datetime) {
  const q = datetime ? `?${new URLSearchParams({ datetime })}` : '';
  return new URL(withKnowledge(`/api/events.bin${q}`), window.location.href).href;
}
/** One event in full, with the reports it cites (`sources`). */
export const event = (id) => getJson(`/api/events/${encodeURIComponent(id)}`);
/** Every displacement site with its population counts. */
export const sites = () => getJson('/api/sites');
/** Events per week, for the timeline's strip. */
export const eventWeeks = () => getJson('/api/events/weeks').then((b) => b.weeks);

/**
 * A write with the editor's token: resolves to {status, body}; a refused write's body is the
 * server's problem document (its `errors` list every problem).
 */
export async function write(method, path, token, body, ifMatch) {
  const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch) headers['If-Match'] = ifMatch;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let json = null;
  try { json = await res.json(); } catch { /* no body */ }
  return { status: res.status, body: json };
}

/** URL of the GeoJSON snapshot at `at` (ms) inside `bbox` [minLon, minLat, maxLon, maxLat]. */
export function snapshotUrl(at, bbox) {
  const q = new URLSearchParams({ at: new Date(at).toISOString().replace('.000Z', 'Z') });
  if (bbox) q.set('bbox', bbox.map((v) => v.toFixed(5)).join(','));
  return withKnowledge(`/api/snapshot?${q}`);
}
