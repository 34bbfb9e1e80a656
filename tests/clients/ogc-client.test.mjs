// camptocamp's ogc-client (the OGC API library of GeoNetwork UI and others) against the server:
// what it makes of the landing page, conformance, collections and their metadata, and the items
// requests it builds. Answers are checked against our own /api and data/mosul/control.csv.
//
// Run by scripts/test-gis, which starts the server and sets FRONTLINE_URL. In node, ogc-client's
// node build supplies `location` (http://localhost) itself, runs without a worker and caches
// nothing (there is no Cache Storage), so no polyfill is needed; the test only wraps the global
// `fetch`, which the library calls for every request, to see what it sends.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OgcApiEndpoint } from '@camptocamp/ogc-client';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SERVER = process.env.FRONTLINE_URL?.replace(/\/$/, '');
if (!SERVER) throw new Error('FRONTLINE_URL is not set: run these tests through scripts/test-gis');
const OGC = `${SERVER}/ogc`;
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const EPSG4326 = 'http://www.opengis.net/def/crs/EPSG/0/4326';

/** Every request ogc-client makes: URL, Accept header and status. */
const requests = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, options = {}) => {
  const response = await realFetch(url, options);
  requests.push({ url: new URL(url), accept: options.headers?.Accept, status: response.status });
  return response;
};
beforeEach(() => { requests.length = 0; });

/** The items requests made since the test began, as URLs. */
const itemsRequests = () => requests.filter((r) => r.url.pathname.endsWith('/items')).map((r) => r.url);

/** control.csv as objects (its quoted notes may hold commas, never quotes inside quotes here). */
function controlCsv() {
  const [header, ...lines] = readFileSync(path.join(ROOT, 'data/mosul/control.csv'), 'utf8').trim().split('\n');
  const names = header.split(',');
  return lines.map((line) => {
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g).map((c) => c.replace(/,$/, '').replace(/^"|"$/g, ''));
    return Object.fromEntries(names.map((n, i) => [n, cells[i]]));
  });
}

async function json(pathAndQuery) {
  const response = await realFetch(`${SERVER}${pathAndQuery}`);
  assert.equal(response.status, 200, pathAndQuery);
  return response.json();
}

const endpoint = new OgcApiEndpoint(OGC);

test('info is the landing page\'s title and description', async () => {
  const info = await endpoint.info;
  const landing = await json('/ogc');
  assert.equal(info.title, 'Frontline');
  assert.equal(info.description, landing.description);
});

test('conformance: features yes, records, tiles and styles no', async () => {
  const classes = await endpoint.conformanceClasses;
  assert.ok(classes.includes('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core'));
  assert.ok(classes.includes('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson'));
  assert.deepEqual(classes, (await json('/ogc/conformance')).conformsTo);
  assert.equal(await endpoint.hasFeatures, true);
  assert.equal(await endpoint.hasRecords, false);
  assert.equal(await endpoint.hasTiles, false);
  assert.equal(await endpoint.hasStyles, false);
});

test('every document is asked for as JSON, and every request succeeds', async () => {
  await endpoint.getCollectionInfo('control');
  await endpoint.getCollectionItems('control', 1);
  assert.ok(requests.length >= 3, `${requests.length} requests`);
  for (const r of requests) {
    assert.equal(r.url.searchParams.get('f'), 'json', r.url.href);
    assert.equal(r.accept, 'application/json,application/schema+json');
    assert.equal(r.status, 200, `${r.url} answered ${r.status}`);
  }
});

test('all collections are the five feature collections, none of tiles or records', async () => {
  assert.deepEqual(await endpoint.allCollections, [
    { name: 'districts', hasFeatures: true },
    { name: 'control', hasFeatures: true },
    { name: 'frontline', hasFeatures: true },
    { name: 'events', hasFeatures: true },
    { name: 'sites', hasFeatures: true },
  ]);
  assert.deepEqual(await endpoint.featureCollections, ['districts', 'control', 'frontline', 'events', 'sites']);
  assert.deepEqual(await endpoint.recordCollections, []);
});

test('an endpoint opened on a collection\'s URL finds the landing page and keeps that collection', async () => {
  const nested = new OgcApiEndpoint(`${OGC}/collections/control`);
  assert.equal((await nested.info).title, 'Frontline');
  assert.deepEqual((await nested.allCollections).map((c) => c.name), ['control']);
});

test('control\'s collection info: formats, CRSs, time extent, queryables, sortables and downloads', async () => {
  const info = await endpoint.getCollectionInfo('control');
  const rows = controlCsv();
  assert.equal(info.id, 'control');
  assert.equal(info.title, 'Control states');
  assert.equal(info.itemType, 'feature');
  assert.deepEqual(info.itemFormats, ['application/geo+json']);
  assert.deepEqual(info.crs, [CRS84, EPSG4326]);
  assert.equal(info.storageCrs, CRS84);
  const first = rows.map((r) => r.valid_from).sort()[0];
  assert.deepEqual(info.extent.temporal.interval, [[`${first}T00:00:00Z`, null]]);

  const expected = ['district', 'name', 'group', 'status', 'faction', 'factions', 'valid_from', 'valid_to',
    'confidence', 'sources', 'note'];
  assert.deepEqual(info.queryables.map((q) => q.name).sort(), [...expected].sort());
  const status = info.queryables.find((q) => q.name === 'status');
  assert.deepEqual(status, { name: 'status', type: 'string', title: 'Status' });
  // Every property sorts, and the server says so through a sortables link.
  assert.deepEqual(info.sortables.map((q) => q.name).sort(), [...expected].sort());

  // The whole collection to download: our exports of the control states.
  assert.equal(info.jsonDownloadLink, `${SERVER}/api/export/geojson`);
  assert.equal(info.bulkDownloadLinks['application/vnd.flatgeobuf'], `${SERVER}/api/export/fgb`);
  const download = await json('/api/export/geojson');
  assert.equal(download.features.length, rows.length);

  assert.deepEqual(info.mapTileFormats, []);
  assert.deepEqual(info.vectorTileFormats, []);
  assert.deepEqual(info.supportedTileMatrixSets, []);
});

test('getCollectionItems pages with limit and offset, in the server\'s order, through every state', async () => {
  const rows = controlCsv();
  const all = (await json('/ogc/collections/control/items?limit=10000')).features.map((f) => f.id);
  const seen = [];
  for (let offset = 0; offset < rows.length; offset += 50) {
    const page = await endpoint.getCollectionItems('control', 50, offset);
    assert.equal(page.length, Math.min(50, rows.length - offset));
    seen.push(...page.map((f) => f.id));
  }
  assert.deepEqual(seen, all);
  assert.deepEqual([...seen].sort(), rows.map((r) => `${r.district}@${r.valid_from}`).sort());
  const urls = itemsRequests();
  assert.deepEqual(urls.map((u) => u.searchParams.get('offset')), ['0', '50', '100', '150', '200', '250']);
  assert.ok(urls.every((u) => u.searchParams.get('limit') === '50'));
});

test('what ogc-client sends when a caller passes every argument empty is accepted as "none given"', async () => {
  // skipGeometry=false, sortby= and properties= (empty arrays), as GeoNetwork UI's tables do.
  const page = await endpoint.getCollectionItems('control', 3, 0, false, [], null, []);
  const [url] = itemsRequests();
  assert.equal(url.searchParams.get('skipGeometry'), 'false');
  assert.equal(url.searchParams.get('sortby'), '');
  assert.equal(url.searchParams.get('properties'), '');
  const plain = await json('/ogc/collections/control/items?limit=3');
  assert.deepEqual(page, plain.features);
});

test('a Date is sent with milliseconds and gives exactly our snapshot\'s map', async () => {
  for (const day of ['2016-11-01', '2017-01-24', '2017-05-13', '2017-06-03']) {
    const features = await endpoint.getCollectionItems('control', 10000, 0, true, null, null, null,
      new Date(`${day}T00:00:00Z`));
    assert.equal(itemsRequests().at(-1).searchParams.get('datetime'), `${day}T00:00:00.000Z`);
    const snapshot = await json(`/api/snapshot?at=${day}`);
    const expected = Object.fromEntries(snapshot.features
      .filter((f) => f.properties.status !== 'unknown')
      .map((f) => [f.id, [f.properties.status, f.properties.faction, f.properties.factions.join(';')]]));
    const got = Object.fromEntries(features.map((f) =>
      [f.properties.district, [f.properties.status, f.properties.faction, f.properties.factions]]));
    assert.equal(features.length, Object.keys(got).length, 'one state per district');
    assert.deepEqual(got, expected, day);
    assert.ok(features.every((f) => f.geometry === null), 'skipGeometry=true');
  }
});

test('a half-open period {start} returns the states still holding at or after it', async () => {
  const start = '2017-07-10';
  const features = await endpoint.getCollectionItems('control', 10000, 0, true, ['-valid_from'], null,
    ['district', 'valid_from', 'valid_to'], { start: new Date(`${start}T00:00:00Z`) });
  const url = itemsRequests().at(-1);
  assert.equal(url.searchParams.get('datetime'), `${start}T00:00:00.000Z/..`);
  assert.equal(url.searchParams.get('sortby'), '-valid_from');
  const expected = controlCsv().filter((r) => !r.valid_to || r.valid_to > start)
    .map((r) => `${r.district}@${r.valid_from}`);
  assert.deepEqual(features.map((f) => f.id).sort(), expected.sort());
  const froms = features.map((f) => f.properties.valid_from);
  assert.deepEqual(froms, [...froms].sort().reverse(), 'newest first');
  assert.deepEqual(Object.keys(features[0].properties).sort(), ['district', 'valid_from', 'valid_to']);
});

test('a bounding box selects the districts it touches, as our snapshot does', async () => {
  const bbox = [43.1, 36.32, 43.15, 36.36];
  const features = await endpoint.getCollectionItems('control', 10000, 0, true, null, bbox, ['district'],
    new Date('2017-06-03T00:00:00Z'));
  assert.equal(itemsRequests().at(-1).searchParams.get('bbox'), bbox.join(','));
  const snapshot = await json(`/api/snapshot?at=2017-06-03&bbox=${bbox.join(',')}`);
  const expected = snapshot.features.filter((f) => f.properties.status !== 'unknown').map((f) => f.id);
  assert.ok(expected.length > 5);
  assert.deepEqual(features.map((f) => f.properties.district).sort(), expected.sort());
});

test('a free query string carries a CQL2 filter and an equality filter on a queryable', async () => {
  const features = await endpoint.getCollectionItems('control', 10000, 0, true, null, null, null, null,
    "filter=status = 'contested' AND valid_from >= TIMESTAMP('2017-05-01T00:00:00Z')&confidence=claimed");
  const url = itemsRequests().at(-1);
  assert.equal(url.searchParams.get('filter'), "status = 'contested' AND valid_from >= TIMESTAMP('2017-05-01T00:00:00Z')");
  const expected = controlCsv()
    .filter((r) => r.status === 'contested' && r.valid_from >= '2017-05-01' && r.confidence === 'claimed')
    .map((r) => `${r.district}@${r.valid_from}`);
  assert.ok(expected.length > 0);
  assert.deepEqual(features.map((f) => f.id).sort(), expected.sort());
});

test('EPSG:4326 output and bbox-crs put latitude first', async () => {
  const url = await endpoint.getCollectionItemsUrl('districts', {
    asJson: true, limit: 200, outputCrs: 'EPSG:4326', extentCrs: 'EPSG:4326', extent: [36.32, 43.1, 36.36, 43.15],
  });
  const params = new URL(url).searchParams;
  assert.equal(params.get('crs'), 'EPSG:4326');
  assert.equal(params.get('bbox-crs'), 'EPSG:4326');
  const response = await realFetch(url);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-crs'), `<${EPSG4326}>`);
  const swapped = await response.json();
  const plain = await json('/ogc/collections/districts/items?limit=200&bbox=43.1,36.32,43.15,36.36');
  assert.deepEqual(swapped.features.map((f) => f.id), plain.features.map((f) => f.id));
  const [lon, lat] = plain.features[0].geometry.coordinates[0][0][0];
  assert.deepEqual(swapped.features[0].geometry.coordinates[0][0][0], [lat, lon]);
});

test('getCollectionItem fetches one state by id, as in control.csv', async () => {
  const feature = await endpoint.getCollectionItem('control', 'zanjili@2017-05-30');
  const row = controlCsv().find((r) => r.district === 'zanjili' && r.valid_from === '2017-05-30');
  assert.equal(feature.id, 'zanjili@2017-05-30');
  assert.equal(feature.properties.status, row.status);
  assert.equal(feature.properties.factions, row.factions);
  assert.equal(feature.properties.valid_to, `${row.valid_to}T00:00:00Z`);
  assert.equal(feature.properties.sources, row.sources);
  assert.equal(feature.geometry.type, 'MultiPolygon');
});

test('an unknown collection is an error, not an empty answer', async () => {
  await assert.rejects(endpoint.getCollectionInfo('sectors'), /Collection not found: sectors/);
});
