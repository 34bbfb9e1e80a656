// The optional basemap from `/api/meta` ("template\u001fattribution"), and the download of what is
// shown as GeoJSON.

import { snapshotUrl } from './api.js';
import { dateString } from './time.js';

/** Adds the XYZ basemap (256-pixel raster tiles) when the server has one, under everything
 * else; otherwise the plain background stands. */
export function baseMap(map, tiles, before) {
  if (!tiles) return;
  const [template, attribution = ''] = tiles.split('\u001f');
  map.addSource('basemap', { type: 'raster', tiles: [template], tileSize: 256, maxzoom: 19, attribution });
  map.addLayer({ id: 'basemap', type: 'raster', source: 'basemap' }, before);
  document.body.classList.add('has-basemap');
}

/** Downloads the snapshot at `t` inside the map's view. */
export function downloadSnapshot(map, t) {
  const b = map.getBounds();
  const clamp = (v, m) => Math.max(-m, Math.min(m, v));
  const bbox = [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180), clamp(b.getNorth(), 90)];
  const a = document.createElement('a');
  a.href = snapshotUrl(t, bbox);
  a.download = `frontline-${dateString(t)}.geojson`;
  document.body.append(a);
  a.click();
  a.remove();
}
