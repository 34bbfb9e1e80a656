// Inspect: clicking a district opens its whole control history with the sources as links.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clickDistrict, launchBrowser, openMap, startServer } from './helpers.mjs';

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

test('clicking Zanjili opens its history with every state and its sources', async () => {
  const history = await (await fetch(`${server.url}/api/districts/zanjili/history`)).json();
  const page = await openMap(browser, `${server.url}/#date=2017-06-03&z=14&lat=36.345&lon=43.125`);
  await clickDistrict(page, 'zanjili');
  await page.waitForSelector('#panel:not([hidden]) table.history');
  assert.equal(await page.textContent('#panel-title'), history.name);
  assert.equal(await page.locator('#panel tr.state').count(), history.states.length);
  const contested = page.locator('#panel tr.state[data-status="contested"]');
  assert.ok((await contested.count()) > 0, 'the contested spell is listed');
  const urls = history.states.flatMap((s) => s.source_details.map((d) => d.url)).filter(Boolean);
  const links = await page.$$eval('#panel a[href]', (as) => as.map((a) => a.href));
  for (const u of urls) assert.ok(links.includes(new URL(u).href), `source link ${u}`);
  assert.match(page.url(), /district=zanjili/);
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#panel').isHidden(), true);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a district found by name from the keyboard opens its history', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-06-03&z=11&lat=36.34&lon=43.13`);
  await page.focus('#search');
  await page.keyboard.type('Rashidiya');
  await page.dispatchEvent('#search', 'change');
  await page.waitForSelector('#panel:not([hidden]) table.history');
  assert.equal(await page.textContent('#panel-title'), 'Rashidiya');
  const zoomed = await page.evaluate(() => {
    const { map, layer } = window.frontline;
    const b = layer.bounds(layer.slotOf.get('rashidiya'));
    return map.getBounds().contains(b.getSouthWest()) && map.getBounds().contains(b.getNorthEast());
  });
  assert.ok(zoomed, 'the map shows the whole of Rashidiya');
  await page.close();
});

test('compare shows what changed hands between two dates, tinted by who gained', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-06-03&z=12&lat=36.34&lon=43.13`);
  await page.fill('#compare-date', '2017-01-01');
  await page.dispatchEvent('#compare-date', 'change');
  await page.waitForSelector('#compare-summary:not([hidden])');
  const gained = await page.evaluate(() => window.frontline.layer.gained.filter(Boolean));
  assert.ok(gained.includes('isf'), 'isf gained districts between January and June 2017');
  assert.match(await page.textContent('#compare-summary'), /changed hands/);
  assert.match(page.url(), /cmp=2017-01-01/);
  await page.close();
});

test('the page works on a phone-sized screen', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-06-03&z=12&lat=36.34&lon=43.13`,
    { width: 375, height: 700 });
  for (const sel of ['#slider', '#date', '#play']) assert.ok(await page.locator(sel).isVisible(), sel);
  const slider = await page.locator('#slider').boundingBox();
  assert.ok(slider.width > 250, `slider is ${slider.width}px wide`);
  await page.close();
});
