// The report map links: they follow the shown date and the compare date, and the server answers
// them with a PNG and a PDF.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, openMap, setDate, startServer } from './helpers.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const href = (page, format) => page.getAttribute(`#report-${format}`, 'href');

test('the report links follow the date and the compare date and download a PNG and a PDF', async () => {
  const page = await openMap(browser, `${server.url}/`);
  await setDate(page, '2017-06-03');
  assert.equal(await href(page, 'png'), '/api/maps/report.png?at=2017-06-03&events=7d');
  assert.equal(await page.getAttribute('#report-png', 'download'), 'frontline-2017-06-03.png');

  await page.fill('#compare-date', '2017-05-01');
  await page.dispatchEvent('#compare-date', 'change');
  await page.waitForFunction(() => document.getElementById('report-pdf').href.includes('since='));
  assert.equal(await href(page, 'pdf'), '/api/maps/report.pdf?at=2017-06-03&since=2017-05-01&events=7d');

  const png = await fetch(`${server.url}${await href(page, 'png')}`);
  assert.equal(png.status, 200);
  assert.equal(png.headers.get('content-type'), 'image/png');
  const bytes = new Uint8Array(await png.arrayBuffer());
  assert.deepEqual([...bytes.slice(1, 4)], [...Buffer.from('PNG')]);
  const pdf = await fetch(`${server.url}${await href(page, 'pdf')}`);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the vector tile link follows the date and its tiles hold the districts of that date', async () => {
  const page = await openMap(browser, `${server.url}/`);
  await setDate(page, '2017-01-24');
  assert.equal(await page.getAttribute('#tilejson', 'href'), '/tiles/control.json?at=2017-01-24');
  const doc = await (await fetch(`${server.url}/tiles/control.json?at=2017-01-24`)).json();
  assert.equal(doc.tilejson, '3.0.0');
  const url = doc.tiles[0].replace('{z}', '12').replace('{x}', '2538').replace('{y}', '1603');
  assert.match(url, /\/tiles\/control\/12\/2538\/1603\.mvt\?at=2017-01-24T00:00:00Z$/);
  const tile = await fetch(url.replace(/^https?:\/\/[^/]+/, server.url));
  assert.equal(tile.status, 200);
  assert.equal(tile.headers.get('content-type'), 'application/vnd.mapbox-vector-tile');
  const bytes = Buffer.from(await tile.arrayBuffer());
  assert.ok(bytes.includes(Buffer.from('control')) && bytes.includes(Buffer.from('isil')), 'the layer and the Islamic State bank');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the GIS links download every export and lead to the OGC API', async () => {
  const page = await openMap(browser, `${server.url}/`);
  const links = await page.$$eval('#gis-links a', (as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links, ['/api/export/gpkg', '/api/export/kml', '/api/export/csv', '/api/export/geojson', '/api/export/fgb', '/api/export/parquet',
    '/api/export/events-geojson', '/api/export/events-csv', '/api/export/sites-geojson', '/api/export/sites-csv', '/ogc']);
  const expected = [
    'application/geopackage+sqlite3',
    'application/vnd.google-earth.kml+xml',
    'text/csv; charset=utf-8',
    'application/geo+json',
    'application/vnd.flatgeobuf',
    'application/vnd.apache.parquet',
    'application/geo+json',
    'text/csv; charset=utf-8',
    'application/geo+json',
    'text/csv; charset=utf-8',
    'application/json',
  ];
  for (const [i, href] of links.entries()) {
    const response = await fetch(`${server.url}${href}`);
    assert.equal(response.status, 200, href);
    assert.equal(response.headers.get('content-type'), expected[i], href);
  }
  assert.deepEqual(page.errors, []);
  await page.close();
});
