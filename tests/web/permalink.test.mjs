// Permalinks: the date and the view live in the URL, are restored exactly, and back / forward work.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, openMap, setDate, shownDate, startServer } from './helpers.mjs';

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

const view = (page) => page.evaluate(() => {
  const { map } = window.frontline;
  return { z: window.frontline.zoom(), lat: map.getCenter().lat, lon: map.getCenter().lng };
});

test('opening a permalink restores its date and view', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-06-03&z=13&lat=36.34&lon=43.13`);
  assert.equal(await shownDate(page), '2017-06-03');
  assert.equal(await page.textContent('#date-label'), '2017-06-03');
  const v = await view(page);
  assert.equal(v.z, 13);
  assert.ok(Math.abs(v.lat - 36.34) < 1e-4, `lat ${v.lat}`);
  assert.ok(Math.abs(v.lon - 43.13) < 1e-4, `lon ${v.lon}`);
  assert.match(page.url(), /#date=2017-06-03&z=13&lat=36\.34000&lon=43\.13000/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('changing the date writes it to the URL, and back returns to the previous date', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-01-10&z=12&lat=36.34&lon=43.13`);
  await setDate(page, '2017-06-03');
  assert.match(page.url(), /date=2017-06-03/);
  await page.goBack();
  await page.waitForFunction(() => document.body.dataset.date?.startsWith('2017-01-10'));
  assert.equal(await shownDate(page), '2017-01-10');
  await page.goForward();
  await page.waitForFunction(() => document.body.dataset.date?.startsWith('2017-06-03'));
  assert.equal(await shownDate(page), '2017-06-03');
  await page.close();
});

test('a malformed permalink falls back to the opening date without errors', async () => {
  const page = await openMap(browser, `${server.url}/#date=yesterday&z=x`);
  const meta = await (await fetch(`${server.url}/api/meta`)).json();
  assert.equal(await shownDate(page), meta.default_date.slice(0, 10));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the map as published before anything was recorded says so and lets the reader pick a later date', async () => {
  const page = await openMap(browser, `${server.url}/#known=2000-01-01T00:00:00.000Z`);
  assert.equal(await page.getAttribute('body', 'data-empty'), 'true');
  assert.match(await page.textContent('#status'), /Nothing had been published as of 2000-01-01/);
  await page.fill('#known-date', '2030-01-01');
  await page.click('#known-apply');
  await page.waitForSelector('body[data-ready="true"]:not([data-empty])', { state: 'attached', timeout: 30_000 });
  assert.ok((await page.evaluate(() => window.frontline.layer.ids.length)) > 100, 'the map as published by 2030');
  assert.deepEqual(page.errors, []);
  await page.close();
});
