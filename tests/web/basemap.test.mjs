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
    page.on('request', (r) => { if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) outside.push(r.url()); });
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    assert.deepEqual(outside, []);
    assert.equal(await page.locator('.leaflet-tile-pane img').count(), 0);
  } finally {
    await server.stop();
  }
});

test('with --tiles the basemap is drawn from the template, with its attribution', async () => {
  const server = await startServer(undefined, ['--tiles', 'http://127.0.0.1:9/tiles/{z}/{x}/{y}.png',
    '--tiles-attribution', 'Test tiles attribution']);
  try {
    const page = await openMap(browser, `${server.url}/#date=2017-06-03&z=12&lat=36.34&lon=43.13`);
    await page.waitForSelector('.leaflet-tile-pane img', { state: 'attached' });
    const src = await page.getAttribute('.leaflet-tile-pane img', 'src');
    assert.match(src, /^http:\/\/127\.0\.0\.1:9\/tiles\/12\/\d+\/\d+\.png$/);
    assert.match(await page.textContent('.leaflet-control-attribution'), /Test tiles attribution/);
  } finally {
    await server.stop();
  }
});
