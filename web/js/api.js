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
export const districts = () => getJson('/api/districts');
export const states = () => getJson('/api/states').then((b) => b.states);
export const borders = () => getJson('/api/borders');
export const timeline = () => getJson('/api/timeline');
export const areaStats = () => getJson('/api/stats/area');
export const history = (id) => getJson(`/api/districts/${encodeURIComponent(id)}/history`);

/** URL of the GeoJSON snapshot at `at` (ms) inside `bbox` [minLon, minLat, maxLon, maxLat]. */
export function snapshotUrl(at, bbox) {
  const q = new URLSearchParams({ at: new Date(at).toISOString().replace('.000Z', 'Z') });
  if (bbox) q.set('bbox', bbox.map((v) => v.toFixed(5)).join(','));
  return `/api/snapshot?${q}`;
}
