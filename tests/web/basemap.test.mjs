// The optional basemap: with `--tiles`, the page draws an XYZ layer with its attribution; without
// it (the default) no tile is requested and nothing loads from outside the server.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, openMap, startServer } from './helpers.mjs';

let browser;

before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('without --tiles the page loads nothing from outside the server and draws no tiles', async () => {
  const server = await startServer();
  try {
    const page = await (await browser.newContext()).newPage();
    const outside = [];
    page.on('request', (r) => { if (!r.url().startsWith(server.url) && !/^(data|blob):/.test(r.url())) outside.push(r.url()); });
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    assert.deepEqual(outside, []);
    assert.equal(await page.evaluate(() => window.frontline.map.getSource('basemap')), undefined, 'no basemap source');
    // The sub-districts with no control shown keep their dashed outline; their grey veil is the
    // ground's own colour, so it is not drawn over the plain ground.
    const admin = await page.evaluate(() => ['fill', 'line'].map((k) => Boolean(window.frontline.map.getLayer(`context-admin-${k}`))));
    assert.deepEqual(admin, [false, true], 'admin outline drawn, its fill not');
  } finally {
    await server.stop();
  }
});

test('with --tiles the basemap is drawn from the template, with its attribution', async () => {
  const server = await startServer(undefined, ['--tiles', 'http://127.0.0.1:9/tiles/{z}/{x}/{y}.png',
    '--tiles-attribution', 'Test tiles attribution']);
  try {
    const page = await browser.newPage();
    const asked = [];
    page.on('request', (r) => { if (r.url().startsWith('http://127.0.0.1:9/')) asked.push(r.url()); });
    await page.goto(`${server.url}/#date=2017-06-03&z=12&lat=36.34&lon=43.13`);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 });
    assert.ok(asked.length > 0, 'basemap tiles are asked for');
    for (const src of asked) assert.match(src, /^http:\/\/127\.0\.0\.1:9\/tiles\/\d+\/\d+\/\d+\.png$/);
    // 256-pixel tiles at the permalink's zoom, around Mosul (43.13 E, 36.34 N: column 2538, row 1603).
    assert.ok(asked.some((src) => /\/tiles\/12\/253[6-9]\/160[1-5]\.png$/.test(src)), `tiles of zoom 12 over Mosul: ${asked}`);
    assert.match(await page.textContent('.maplibregl-ctrl-attrib'), /Test tiles attribution/);
    // Over a basemap the sub-districts with no control shown are veiled in grey.
    assert.ok(await page.evaluate(() => Boolean(window.frontline.map.getLayer('context-admin-fill'))), 'admin fill over the basemap');
  } finally {
    await server.stop();
  }
});
