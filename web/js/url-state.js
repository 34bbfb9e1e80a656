// The shown date, map view, comparison date and open district live in the URL hash:
// `#date=2017-06-03&z=13&lat=36.34&lon=43.13&cmp=2017-01-01&district=zanjili`, and `known=T` while
// the map is shown as it was published at T.

import { instantString, parseInstant } from './time.js';

/** Reads the hash into {date?, z?, lat?, lon?, cmp?, district?, known?}; anything malformed is dropped. */
export function readHash(hash = window.location.hash) {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const out = {};
  const date = parseInstant(q.get('date'));
  if (Number.isFinite(date)) out.date = date;
  const cmp = parseInstant(q.get('cmp'));
  if (Number.isFinite(cmp)) out.cmp = cmp;
  const known = Date.parse(q.get('known') ?? '');
  if (Number.isFinite(known)) out.known = known;
  const z = Number(q.get('z'));
  const lat = Number(q.get('lat'));
  const lon = Number(q.get('lon'));
  if (q.has('z') && q.has('lat') && q.has('lon') && [z, lat, lon].every(Number.isFinite)
    && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
    Object.assign(out, { z, lat, lon });
  }
  if (q.get('district')) out.district = q.get('district');
  return out;
}

/** The hash for a state; coordinates rounded to ~1 m, enough to restore the view exactly. */
export function writeHash({ date, z, lat, lon, cmp, district, known }) {
  const q = new URLSearchParams();
  q.set('date', instantString(date));
  q.set('z', String(Math.round(z * 100) / 100));
  q.set('lat', lat.toFixed(5));
  q.set('lon', lon.toFixed(5));
  if (Number.isFinite(cmp)) q.set('cmp', instantString(cmp));
  if (district) q.set('district', district);
  if (Number.isFinite(known)) q.set('known', new Date(known).toISOString());
  return `#${q.toString().replace(/%3A/g, ':')}`;
}

/** Records a state: a new history entry when `push`, else replaces the current one. */
export function record(state, push) {
  const hash = writeHash(state);
  if (hash === window.location.hash) return;
  if (push) window.history.pushState(null, '', hash);
  else window.history.replaceState(null, '', hash);
}
