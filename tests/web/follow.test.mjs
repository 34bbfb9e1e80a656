// A map left open takes in other editors' writes: when the page comes back into view (and every
// half minute while in view) it asks for the data revision, and a newer one is painted without a
// reload, with a note of when. The map as published on an earlier date is not followed.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createToken, districtLook, launchBrowser, openMap, startServer } from './helpers.mjs';

let server;
let browser;
let token;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  token = createToken(server, 'desk', 'editor');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const json = async (path) => (await fetch(`${server.url}${path}`)).json();

/** Another editor records `faction` holding `district` over [from, to), through the API. */
async function record(district, faction, from, to) {
  const history = await fetch(`${server.url}/api/districts/${district}/history`);
  const source = (await json('/api/sources'))[0].id;
  const res = await fetch(`${server.url}/api/districts/${district}/states`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'If-Match': history.headers.get('ETag') },
    body: JSON.stringify({
      status: 'held', factions: [faction], valid_from: from, valid_to: to,
      confidence: 'reported', sources: [source], note: '', comment: 'a report from another desk',
    }),
  });
  assert.equal(res.status, 201, await res.text());
}

test('another editor\'s write is painted when the page comes back into view, without a reload', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-02-10&z=14&lat=36.345&lon=43.125`);
  const before = await districtLook(page, 'zanjili');
  assert.equal(before.faction, 'isil', 'Zanjili was held by ISIL on 10 February 2017');
  const opened = await json('/api/meta');
  assert.equal(await page.evaluate(() => window.frontline.follower.revision), opened.revision);
  await page.evaluate(() => { window.sameDocument = true; });

  await record('zanjili', 'isf', '2017-02-08', '2017-02-12');
  const now = (await json('/api/meta')).revision;
  assert.notEqual(now, opened.revision);
  assert.equal((await districtLook(page, 'zanjili')).faction, 'isil', 'nothing changes until the page asks');

  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await page.waitForFunction((r) => document.body.dataset.revision === String(r), now);
  const after = await districtLook(page, 'zanjili');
  assert.equal(after.status, 'held');
  assert.equal(after.faction, 'isf', 'the other desk\'s state is painted');
  assert.ok(await page.evaluate(() => window.sameDocument), 'the page was not reloaded');
  const note = page.locator('#updated');
  assert.ok(await note.isVisible());
  assert.match(await note.textContent(), /^Updated with new edits at \d\d:\d\d UTC\.$/);

  // Nothing new: the next check changes nothing and says the same.
  const painted = await page.evaluate(() => window.frontline.layer.keys.join());
  await page.evaluate(() => window.frontline.follower.check());
  assert.equal(await page.evaluate(() => window.frontline.layer.keys.join()), painted);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('in view, the page asks every half minute and paints another editor\'s write, and not before', async () => {
  // The page's clock runs as usual, and the test moves it on: the half minute is the page's own
  // timer (EVERY_MS in follow.js), not an event the test sends.
  const page = await openMap(browser, `${server.url}/#date=2017-03-03&z=14&lat=36.345&lon=43.125`, undefined,
    (p) => p.clock.install());
  assert.equal((await districtLook(page, 'zanjili')).faction, 'isil', 'Zanjili was held by ISIL on 3 March 2017');
  const asked = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/api/meta') asked.push(r.url()); });
  await record('zanjili', 'isf', '2017-03-01', '2017-03-05');
  const now = (await json('/api/meta')).revision;

  await page.clock.fastForward(20_000);
  await page.waitForTimeout(500);
  assert.deepEqual(asked, [], 'no check 20 s after the page was ready');
  assert.equal((await districtLook(page, 'zanjili')).faction, 'isil', 'nothing changes before the check');

  await page.clock.fastForward(11_000);
  await page.waitForFunction((r) => document.body.dataset.revision === String(r), now, { timeout: 10_000 });
  assert.ok(asked.length >= 1, 'the page asked at the half minute');
  assert.equal((await districtLook(page, 'zanjili')).faction, 'isf', 'the other desk\'s state is painted');
  assert.match(await page.locator('#updated').textContent(), /^Updated with new edits at \d\d:\d\d UTC\.$/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a server that does not answer leaves the map as it was, and the page says since when', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-02-10&z=14&lat=36.345&lon=43.125`);
  const painted = await page.evaluate(() => window.frontline.layer.keys.join());
  await page.route('**/api/meta', (route) => route.abort('connectionrefused'));
  await page.evaluate(() => window.frontline.follower.check());
  const note = page.locator('#updated');
  assert.ok(await note.isVisible());
  assert.match(await note.textContent(), /^Not updated since \d\d:\d\d UTC: the server did not answer/);
  assert.equal(await page.evaluate(() => window.frontline.layer.keys.join()), painted);
  await page.unroute('**/api/meta');
  await page.evaluate(() => window.frontline.follower.check());
  assert.ok(await note.isHidden(), 'once it answers, the warning goes');

  // A newer revision whose states do not come: the map stays, says so, and takes them later.
  await record('zanjili', 'isf', '2017-02-13', '2017-02-14');
  await page.route('**/api/states.bin', (route) => route.abort('connectionrefused'));
  await page.evaluate(() => window.frontline.follower.check());
  assert.match(await note.textContent(), /^Not updated since \d\d:\d\d UTC: the server did not answer/);
  assert.equal(await page.evaluate(() => window.frontline.layer.keys.join()), painted);
  await page.unroute('**/api/states.bin');
  await page.evaluate(() => window.frontline.follower.check());
  assert.match(await note.textContent(), /^Updated with new edits at/);
  // The browser logs the two loads the test refused; nothing else (no unhandled rejection).
  assert.deepEqual(page.errors, Array(2).fill('Failed to load resource: net::ERR_CONNECTION_REFUSED'));
  await page.close();
});

test('the map as published on an earlier date does not follow later writes', async () => {
  const published = (await json('/api/edits')).edits[0].at;
  const page = await openMap(browser, `${server.url}/#date=2017-02-10&known=${published}&z=14&lat=36.345&lon=43.125`);
  await page.waitForSelector('body[data-known]', { state: 'attached' });
  await record('zanjili', 'isf', '2017-02-01', '2017-02-05');
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await page.evaluate(() => new Promise((r) => setTimeout(r, 500)));
  const asked = await page.evaluate(() => performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname === '/api/meta').length);
  assert.equal(asked, 1, 'the page asked for /api/meta once, when it opened');
  assert.equal(await page.evaluate(() => document.body.dataset.revision), undefined);
  await page.close();
});

test('an open panel shows the new history, unless an editor has typed in its form: that stays as typed', async () => {
  let page = await openMap(browser, `${server.url}/#date=2017-02-10&z=14&lat=36.345&lon=43.125&district=zanjili`);
  await page.waitForSelector('#panel:not([hidden])');
  // The panel reads a district's history with the states no longer believed.
  let asked = 0;
  page.on('request', (r) => { if (r.url().includes('/api/districts/zanjili/history?include=superseded')) asked += 1; });
  const histories = () => asked;
  await page.waitForSelector('#panel-body table.history', { state: 'attached' });
  const read = await histories();
  await record('zanjili', 'isil', '2017-02-09', '2017-02-11');
  await page.evaluate(() => window.frontline.follower.check());
  assert.equal(await histories(), read + 1, 'a reader\'s panel reads the history again');

  // Signed in, with a change half typed: the next write elsewhere leaves the form alone.
  await page.close();
  page = await openMap(browser, `${server.url}/#date=2017-02-10&z=14&lat=36.345&lon=43.125`);
  page.on('request', (r) => { if (r.url().includes('/api/districts/zanjili/history?include=superseded')) asked += 1; });
  await page.click('#knowledge-box summary');
  await page.fill('#sign-in input[name=token]', token);
  await page.click('#sign-in button');
  await page.waitForSelector('body[data-editor="desk"]', { state: 'attached' });
  await page.evaluate(() => { window.location.hash += '&district=zanjili'; });
  await page.waitForSelector('#record-form');
  await page.fill('#record-form input[name=valid_from]', '2017-02-09');
  const typed = await histories();
  await record('zanjili', 'isf', '2017-02-09', '2017-02-11');
  await page.evaluate(() => window.frontline.follower.check());
  assert.equal((await districtLook(page, 'zanjili')).faction, 'isf', 'the map shows the write');
  assert.equal(await histories(), typed, 'the panel was not opened again');
  assert.equal(await page.inputValue('#record-form input[name=valid_from]'), '2017-02-09', 'what was typed stays');
  await page.close();
});
