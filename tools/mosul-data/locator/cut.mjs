// Writes the outlines of Iraq and its neighbours from Natural Earth 1:50m (npm world-atlas,
// public domain data, ISC package) as GeoJSON, for the locator inset of the Mosul maps. Run once
// with `npm ci && npm run build`; the output is committed under data/mosul/raw/ and read by the
// generator, so regenerating the data set needs no npm.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';

const require = createRequire(import.meta.url);
const topology = JSON.parse(readFileSync(require.resolve('world-atlas/countries-50m.json'), 'utf8'));
const wanted = ['Iraq', 'Syria', 'Turkey', 'Iran', 'Jordan', 'Saudi Arabia', 'Kuwait', 'Lebanon'];
const round = (v) => Math.round(v * 1e4) / 1e4;
const roundCoords = (c) => (typeof c[0] === 'number' ? [round(c[0]), round(c[1])] : c.map(roundCoords));
const countries = feature(topology, topology.objects.countries).features
  .filter((f) => wanted.includes(f.properties.name))
  .sort((a, b) => wanted.indexOf(a.properties.name) - wanted.indexOf(b.properties.name))
  .map((f) => ({
    type: 'Feature',
    properties: { name: f.properties.name },
    geometry: { type: f.geometry.type, coordinates: roundCoords(f.geometry.coordinates) },
  }));
const missing = wanted.filter((n) => !countries.some((f) => f.properties.name === n));
if (missing.length) throw new Error(`not in world-atlas: ${missing.join(', ')}`);
const out = {
  type: 'FeatureCollection',
  attribution: 'Made with Natural Earth (public domain), 1:50m admin-0 countries, via npm world-atlas 2.0.2 (ISC)',
  features: countries,
};
writeFileSync(process.argv[2], `${JSON.stringify(out)}\n`);
console.log(`wrote ${countries.length} countries to ${process.argv[2]}`);
