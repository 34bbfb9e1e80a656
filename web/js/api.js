// The server's JSON API: one function per endpoint the page uses. Everything comes from the
// serving origin; nothing loads from outside.

async function getJson(path) {
  const res = await fetch(path, { headers: { Accept: 'application/json' } });
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
export const districts = () => getJson('/api/districts?geometry=none');
export const timeline = () => getJson('/api/timeline');
/** Area per side over time within a region: `selector` is {region}, {group} or {bbox: [w,s,e,n]}. */
export const areaStats = (selector = {}) => getJson(`/api/stats/area?${selectorQuery(selector)}`);
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
export const history = (id) => getJson(`/api/districts/${encodeURIComponent(id)}/history`);

/** URL of the GeoJSON snapshot at `at` (ms) inside `bbox` [minLon, minLat, maxLon, maxLat]. */
export function snapshotUrl(at, bbox) {
  const q = new URLSearchParams({ at: new Date(at).toISOString().replace('.000Z', 'Z') });
  if (bbox) q.set('bbox', bbox.map((v) => v.toFixed(5)).join(','));
  return `/api/snapshot?${q}`;
}
