// Editing from the map and the map "as published on" a date: an editor signs in with a token,
// records a change from a district's panel (problems shown inline first), and the map repaints at
// once; a reader then opens the map as it was published before the edit, and the panel says which
// state was corrected later. A correction that takes the front off a border leaves that border
// drawn on the map as published before it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clickDistrict, createToken, districtLook, launchBrowser, openMap, startServer } from './helpers.mjs';

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

test('an editor records a change from the panel and the map shows it at once; the earlier map stays readable', async () => {
  const snapshot = async (query) => (await (await fetch(`${server.url}/api/snapshot?${query}`)).json())
    .features.find((f) => f.id === 'zanjili').properties;
  assert.equal((await snapshot('at=2017-06-03')).status, 'contested');
  const imported = (await (await fetch(`${server.url}/api/edits`)).json()).edits[0].at;

  const page = await openMap(browser, `${server.url}/#date=2017-06-03&z=14&lat=36.345&lon=43.125`);
  await page.click('#knowledge-box summary');
  await page.fill('#sign-in input[name=token]', 'fl_wrong');
  await page.click('#sign-in button');
  await page.waitForFunction(() => document.getElementById('editor-state').textContent.includes('Not signed in'));
  await page.fill('#sign-in input[name=token]', token);
  await page.click('#sign-in button');
  await page.waitForSelector('body[data-editor="desk"]', { state: 'attached' });
  assert.ok(!page.url().includes(token), 'the token is never in the URL');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('frontline-token')), token);

  await clickDistrict(page, 'zanjili');
  await page.waitForSelector('#record-form');
  // Nothing picked: the server's problems are listed under the form, and nothing changes.
  await page.fill('#record-form input[name=valid_from]', '2017-06-01');
  await page.fill('#record-form input[name=comment]', 'wire report of ISIL holding on');
  await page.click('#record-form button[type=submit]');
  await page.waitForSelector('#record-form .edit-errors li');
  const problems = await page.textContent('#record-form .edit-errors');
  assert.match(problems, /`factions`/);
  assert.match(problems, /`sources`/);
  assert.equal((await snapshot('at=2017-06-03')).status, 'contested');

  const changesOnPage = () => page.evaluate(() => window.frontline.timeline.instants
    .map((i) => `${new Date(i.at).toISOString()} ${i.changes} ${i.handovers}`));
  const changesServed = async () => (await (await fetch(`${server.url}/api/timeline`)).json()).instants
    .map((i) => `${new Date(i.at).toISOString()} ${i.changes} ${i.handovers}`);
  const before = await changesServed();
  assert.deepEqual(await changesOnPage(), before);

  const tilesBefore = (await (await fetch(`${server.url}/tiles/districts.json`)).json()).tiles[0];
  await page.check('#record-form input[name=factions][value=isil]');
  await page.fill('#record-form input[name=valid_to]', '2017-06-05');
  await page.selectOption('#record-form select[name=sources]', { index: 0 });
  await page.click('#record-form button[type=submit]');
  await page.waitForSelector('body[data-written="1"]', { state: 'attached' });
  // ISIL holding Zanjili in June puts the front on borders it never ran along: new outline tiles.
  const tilesNow = (await (await fetch(`${server.url}/tiles/districts.json`)).json()).tiles[0];
  assert.notEqual(tilesNow, tilesBefore, 'the outline tiles changed with the front');
  assert.equal(await page.evaluate(() => window.frontline.map.getSource('geometry').tiles[0]), tilesNow, 'the map loads them');
  const look = await districtLook(page, 'zanjili');
  assert.equal(look.status, 'held');
  assert.equal(look.faction, 'isil');
  assert.deepEqual((await snapshot('at=2017-06-03')).factions, ['isil']);
  // The slider's strip and ← / → steps follow the new changes.
  const afterWrite = await changesServed();
  assert.notDeepEqual(afterWrite, before);
  assert.deepEqual(await changesOnPage(), afterWrite);
  await page.waitForSelector('#panel details.superseded');
  assert.match(await page.textContent('#panel details.superseded summary'), /Corrected or withdrawn \(1\)/);
  const edits = (await (await fetch(`${server.url}/api/edits`)).json()).edits;
  assert.equal(edits[0].author, 'desk');
  assert.equal(edits[0].comment, 'wire report of ISIL holding on');

  // As published before the edit: the old map, and the panel marks the state corrected since.
  await page.fill('#known-date', imported);
  await page.click('#known-apply');
  await page.waitForURL(/known=/);
  await page.waitForSelector('body[data-ready="true"][data-known]', { state: 'attached', timeout: 30_000 });
  assert.ok(await page.isVisible('#known-banner'));
  const then = await districtLook(page, 'zanjili');
  assert.equal(then.status, 'contested');
  await clickDistrict(page, 'zanjili');
  await page.waitForSelector('#panel tr.state.was-corrected');
  assert.match(await page.textContent('#panel'), /Corrected later, on/);
  assert.equal(await page.locator('#record-form').count(), 0, 'no editing of the past');
  assert.match(await page.getAttribute('#report-png', 'href'), /known_at=/);

  await page.click('#knowledge-box summary').catch(() => {});
  await page.click('#known-clear');
  await page.waitForURL((u) => !u.href.includes('known='));
  await page.waitForSelector('body[data-ready="true"]:not([data-known])', { state: 'attached', timeout: 30_000 });
  assert.equal((await districtLook(page, 'zanjili')).faction, 'isil');
  // The browser logs the two refusals the test provoked (wrong token, empty form); nothing else.
  assert.deepEqual(page.errors.filter((e) => !/status of (401|422)/.test(e)), []);
  assert.equal(page.errors.length, 2);
  await page.close();
});

test('the map as published before a correction draws its front where the correction took it away', async () => {
  const json = async (path) => (await fetch(`${server.url}${path}`)).json();
  // A stretch of front that runs along its border only once: the correction gives the first
  // district to the second's side over that stretch, so the front never runs there as believed now.
  const pieces = (await json('/ogc/collections/frontline/items?limit=1000')).features.map((f) => f.properties);
  const once = (p) => pieces.filter((q) => q.district_a === p.district_a && q.district_b === p.district_b).length === 1;
  const piece = pieces.find((p) => once(p) && p.valid_to && ![p.district_a, p.district_b].includes('zanjili'));
  const [a, b, at] = [piece.district_a, piece.district_b, piece.valid_from.slice(0, 10)];
  const pairs = async (query) => (await json(`/api/frontline?at=${at}${query}`)).features
    .map((f) => [f.properties.district_a, f.properties.district_b]);
  const has = (list) => list.some(([x, y]) => x === a && y === b);
  assert.ok(has(await pairs('')), `${a}|${b} on the front on ${at}`);
  const before = (await json('/api/edits')).edits[0].at;
  await new Promise((r) => setTimeout(r, 5));
  const history = await fetch(`${server.url}/api/districts/${a}/history`);
  const source = (await json('/api/sources'))[0].id;
  const written = await fetch(`${server.url}/api/districts/${a}/states`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'If-Match': history.headers.get('ETag') },
    body: JSON.stringify({
      status: 'held', factions: [piece.factions_b], valid_from: piece.valid_from, valid_to: piece.valid_to,
      confidence: 'reported', sources: [source], note: '', comment: `${a} was held by ${piece.factions_b} then`,
    }),
  });
  assert.equal(written.status, 201, await written.text());
  assert.ok(!has(await pairs('')), 'believed now, the front no longer runs there');
  assert.ok(has(await pairs(`&known_at=${before}`)), 'as published before, it did');

  // The page as published before, at street zoom on that border: the line is drawn, from the
  // same outline tiles as the map of now.
  const anchor = (await json('/api/districts?geometry=none')).features.find((f) => f.id === a).label;
  const page = await openMap(browser, `${server.url}/#date=${at}&known=${before}&z=15&lat=${anchor[1]}&lon=${anchor[0]}`);
  await page.waitForSelector('body[data-known]', { state: 'attached' });
  const drawn = await page.evaluate(() => {
    const { map, front, layer } = window.frontline;
    return map.queryRenderedFeatures({ layers: ['front-core'] }).filter((f) => f.state.front)
      .map((f) => [layer.ids[front.pairs[2 * f.id]], layer.ids[front.pairs[2 * f.id + 1]]]);
  });
  assert.ok(has(drawn), `${a}|${b} drawn as front: ${JSON.stringify(drawn.slice(0, 5))}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a faction added since the page opened: the page\'s next write opens it again, with the faction\'s stripes and in its form', async () => {
  const admin = createToken(server, 'chief', 'admin');
  const page = await openMap(browser, `${server.url}/#date=2017-02-10&z=14&lat=36.345&lon=43.125`);
  await page.click('#knowledge-box summary');
  await page.fill('#sign-in input[name=token]', token);
  await page.click('#sign-in button');
  await page.waitForSelector('body[data-editor="desk"]', { state: 'attached' });
  const added = await fetch(`${server.url}/api/factions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: 'hashd', name: 'Popular Mobilization Forces', color: '#2a9d8f', alliance: 'coalition', comment: 'listed apart from the ISF' }),
  });
  assert.equal(added.status, 201, await added.text());

  // The page still knows the factions it opened with; a write from its panel brings the new list.
  await clickDistrict(page, 'zanjili');
  await page.waitForSelector('#record-form');
  assert.equal(await page.locator('#record-form input[name=factions][value=hashd]').count(), 0);
  await page.check('#record-form input[name=factions][value=isf]');
  await page.fill('#record-form input[name=valid_from]', '2017-02-08');
  await page.fill('#record-form input[name=valid_to]', '2017-02-12');
  await page.selectOption('#record-form select[name=sources]', { index: 0 });
  await page.fill('#record-form input[name=comment]', 'a reported advance');
  const reopened = page.waitForEvent('load');
  await page.click('#record-form button[type=submit]');
  await reopened;
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 });
  assert.match(page.url(), /date=2017-02-10/, 'on the same date');
  assert.match(page.url(), /district=zanjili/, 'with the same panel');
  const look = await districtLook(page, 'zanjili');
  assert.equal(look.status, 'held');
  assert.equal(look.faction, 'isf');
  assert.ok(await page.evaluate(() => window.frontline.map.getLayer('hatch-hashd') !== undefined), 'its stripes are in the map');
  await page.waitForSelector('#record-form');
  assert.equal(await page.locator('#record-form input[name=factions][value=hashd]').count(), 1, 'the form offers it');
  assert.deepEqual(page.errors, []);
  await page.close();
});
