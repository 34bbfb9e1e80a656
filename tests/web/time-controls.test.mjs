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

test('play moves at a steady pace in days per second, through quiet months too, and pause stops it', async () => {
  // After Mosul's liberation nothing changes until Raqqa in October: a player that jumped from
  // change to change would leap there; a steady one crosses the quiet months day by day.
  const page = await openMap(browser, `${server.url}/#date=2017-07-20&z=12&lat=36.34&lon=43.13`);
  await page.selectOption('#speed', '30');
  const t0 = Date.now();
  await page.click('#play');
  assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'true');
  await page.waitForFunction(() => document.getElementById('date').value >= '2017-08-05', null, { timeout: 10_000 });
  await page.click('#play');
  const seconds = (Date.now() - t0) / 1000;
  assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'false');
  const stopped = await shownDate(page);
  const days = (Date.parse(stopped) - Date.parse('2017-07-20')) / 86_400_000;
  assert.ok(stopped < '2017-10-17', `it did not leap to the next change: ${stopped}`);
  assert.ok(days <= 30 * seconds + 2, `${days} days in ${seconds} s is at most 30 days a second`);
  assert.ok(days >= 10, `${days} days in ${seconds} s: it kept moving`);
  await page.waitForTimeout(300);
  assert.equal(await shownDate(page), stopped);
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
