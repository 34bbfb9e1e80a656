// Stepping and playing: → jumps to the next hand-over, ← back, play advances the date.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, openMap, shownDate, startServer } from './helpers.mjs';

let server;
let browser;
let steps;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const timeline = await (await fetch(`${server.url}/api/timeline`)).json();
  steps = timeline.instants.filter((i) => i.handovers > 0).map((i) => i.at.slice(0, 10));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('pressing → moves the date to the next hand-over, and ← back to the one before', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-06-03&z=12&lat=36.34&lon=43.13`);
  const next = steps.find((d) => d > '2017-06-03');
  const prev = steps.filter((d) => d <= '2017-06-03').at(-1);
  await page.locator('#map').click({ position: { x: 5, y: 5 } });
  const centre = await page.evaluate(() => window.frontline.map.getCenter());
  await page.keyboard.press('ArrowRight');
  assert.equal(await shownDate(page), next);
  assert.deepEqual(await page.evaluate(() => window.frontline.map.getCenter()), centre, 'the map did not pan');
  assert.match(page.url(), new RegExp(`date=${next}`));
  await page.keyboard.press('ArrowLeft');
  assert.equal(await shownDate(page), prev);
  await page.close();
});

test('→ works with the slider focused, instead of nudging it', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-06-03&z=12&lat=36.34&lon=43.13`);
  await page.focus('#slider');
  await page.keyboard.press('ArrowRight');
  assert.equal(await shownDate(page), steps.find((d) => d > '2017-06-03'));
  await page.close();
});

test('play advances the date through the changes, and pause stops it', async () => {
  const page = await openMap(browser, `${server.url}/#date=2016-11-01&z=12&lat=36.34&lon=43.13`);
  await page.selectOption('#speed', '20');
  await page.click('#play');
  assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'true');
  await page.waitForFunction(() => document.getElementById('date').value > '2016-11-20', null, { timeout: 10_000 });
  await page.click('#play');
  assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'false');
  const stopped = await shownDate(page);
  await page.waitForTimeout(300);
  assert.equal(await shownDate(page), stopped);
  assert.ok(steps.includes(stopped), `${stopped} is a hand-over instant`);
  await page.close();
});

test('dragging the slider repaints the map without a request per step', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-06-03&z=12&lat=36.34&lon=43.13`);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const box = await page.locator('#slider').boundingBox();
  await page.mouse.move(box.x + 10, box.y + box.height / 2);
  await page.mouse.down();
  for (let x = 10; x < box.width - 10; x += 40) await page.mouse.move(box.x + x, box.y + box.height / 2);
  await page.mouse.up();
  assert.notEqual(await shownDate(page), '2017-06-03');
  assert.deepEqual(requests.filter((u) => u.includes('/api/')), []);
  await page.close();
});
