// The events layer and the camps on the Mosul map: the window, fading, the popup with every
// claim and its source, camps with their population at the date, the strip, and the report map
// of a window with its events.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { blend, drawn, launchBrowser, openMap, pixelAt, setDate, startServer } from './helpers.mjs';

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

const JADIDA = '2017-03-17-jadida-strike';
/** The ids of the events the layer shows now. */
const shownIds = async (page) => {
  await page.waitForFunction(() => document.body.dataset.eventsAt === document.body.dataset.date || !document.getElementById('events-on').checked);
  return page.evaluate(() => window.frontline.incidents.shown.map((e) => e.properties.id));
};

test('the week up to the date is shown by default, older events fade and the window is adjustable', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-03-19`);
  assert.equal(await page.inputValue('#events-window'), '7');
  assert.ok((await shownIds(page)).includes(JADIDA), 'two days later, in the week');
  const opacity = await page.evaluate((id) => {
    const f = window.frontline.incidents.drawnEvents.find((x) => x.properties.id === id);
    return f.properties.opacity;
  }, JADIDA);
  assert.ok(opacity < 1 && opacity > 0.35, `fading: ${opacity}`);
  await page.locator('#side details').first().evaluate((d) => { d.open = true; });
  await page.selectOption('#events-window', '1');
  assert.ok(!(await shownIds(page)).includes(JADIDA), 'not on the 19th alone');
  await setDate(page, '2017-03-17');
  assert.ok((await shownIds(page)).includes(JADIDA), 'on its day');
  // Events outside every window are never shown: nothing from before the offensive.
  await page.selectOption('#events-window', '7');
  await setDate(page, '2016-10-10');
  assert.deepEqual(await shownIds(page), []);
  await page.uncheck('#events-on');
  await setDate(page, '2017-03-17');
  assert.deepEqual(await shownIds(page), [], 'switched off');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a click on an event shows every claim with its figures and sources', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-03-17&z=17&lat=36.33233&lon=43.10505`);
  await drawn(page);
  // Drawn on its own at street zoom, on its day at full strength.
  const at = await page.evaluate((id) => {
    const { map, incidents } = window.frontline;
    const hits = incidents.rendered().filter((x) => x.type === 'event').map((x) => x.id);
    const e = incidents.events.find((x) => x.properties.id === id);
    const p = map.project(e.geometry.coordinates);
    const box = map.getCanvas().getBoundingClientRect();
    const look = incidents.drawnEvents.find((f) => f.properties.id === id).properties;
    // A point on the circle, clear of the pictogram (a bomb, a few pixels wide at the centre).
    const beside = map.unproject([p.x + 10, p.y]).toArray();
    return { hits, x: box.left + p.x, y: box.top + p.y, look, beside };
  }, JADIDA);
  assert.ok(at.hits.includes(JADIDA), `drawn unclustered at street zoom: ${at.hits}`);
  // The dots carry what draws them; the popup fetches the rest.
  const carried = await page.evaluate((id) => Object.keys(window.frontline.incidents.byId.get(id).properties).sort(), JADIDA);
  assert.deepEqual(carried, ['date_end', 'date_start', 'grade', 'id', 'kind', 'largest', 'responsible']);
  assert.equal(at.look.opacity, 1);
  const painted = (await pixelAt(page, at.beside)).match(/\d+/g).map(Number);
  const expected = blend(at.look.colour, 1, '#000000');
  assert.ok(painted.every((v, i) => Math.abs(v - expected[i]) <= 12), `painted ${painted}, the responsible side's ${expected}`);
  // Open the strike's popup as a click on it does.
  await page.evaluate((id) => {
    const e = window.frontline.incidents.events.find((x) => x.properties.id === id);
    window.frontline.incidents.popup(id, e.geometry.coordinates);
  }, JADIDA);
  const popup = page.locator(`.event-popup[data-event="${JADIDA}"]`);
  await popup.waitFor();
  const text = await popup.innerText();
  assert.match(text, /105 killed \(civilians\): CENTCOM investigation/);
  assert.match(text, /125–370 killed \(civilians\): local reports/);
  assert.match(text, /grade: confirmed/);
  const links = await popup.locator('a').evaluateAll((as) => as.map((a) => a.href));
  assert.ok(links.some((h) => h.includes('airwars.org')), `the Airwars report is linked: ${links}`);
  // A real click on the circle opens a popup too, and not the district's panel.
  await page.mouse.click(at.x, at.y);
  await page.locator('.event-popup').first().waitFor();
  assert.equal(await page.locator('#panel').isHidden(), true, 'the district panel stays shut');
  // A slow answer for an earlier click does not cover the popup of a later one.
  const [later, shown] = await page.evaluate(async (id) => {
    const { incidents } = window.frontline;
    const other = incidents.events.find((x) => x.properties.id !== id).properties.id;
    const real = incidents.fetchEvent;
    let release;
    const gate = new Promise((r) => { release = r; });
    incidents.full.clear();
    incidents.fetchEvent = (x) => (x === id ? gate.then(() => real(x)) : real(x));
    const first = incidents.popup(id, [43.1, 36.3]);
    await incidents.popup(other, [43.1, 36.3]);
    release();
    await first;
    incidents.fetchEvent = real;
    return [other, [...document.querySelectorAll('.event-popup')].map((el) => el.dataset.event)];
  }, JADIDA);
  assert.deepEqual(shown, [later]);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('camps are drawn with their population at the shown date', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-02-05&z=10&lat=36.1&lon=43.3`);
  const population = (id) => page.evaluate((s) => {
    const f = window.frontline.incidents.drawnSites.find((x) => x.properties.id === s);
    return f ? f.properties.population : null;
  }, id);
  assert.equal(await population('qayyarah-airstrip'), 20300);
  await setDate(page, '2016-10-20');
  assert.equal(await population('qayyarah-airstrip'), null, 'not open yet');
  await setDate(page, '2016-11-14');
  assert.equal(await population('hasansham-u3'), 10500);
  await page.evaluate(() => {
    const { incidents } = window.frontline;
    const s = incidents.sites.find((x) => x.id === 'hasansham-u3');
    incidents.sitePopup('hasansham-u3', s.geometry.coordinates);
  });
  const text = await page.locator('.event-popup[data-site="hasansham-u3"] [data-population]').innerText();
  assert.match(text, /Population on this date: 10500 \(count of 2016-11-14/);
  // Its sources are links to the reports, not bare ids.
  const siteLinks = await page.locator('.event-popup[data-site="hasansham-u3"] .event-sources a').evaluateAll((as) => as.map((a) => a.href));
  assert.ok(siteLinks.length > 0 && siteLinks.every((h) => h.startsWith('http')), `site source links: ${siteLinks}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the strip shows the weeks with events and the report map carries the window', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-03-17`);
  const weeks = Number(await page.getAttribute('#strip', 'data-event-weeks'));
  assert.ok(weeks >= 10, `weeks with events: ${weeks}`);
  const href = await page.getAttribute('#report-png', 'href');
  assert.equal(href, '/api/maps/report.png?at=2017-03-17&events=7d');
  const svg = await (await fetch(`${server.url}${href.replace('.png', '.svg')}`)).text();
  assert.ok(svg.includes(`data-event="${JADIDA}"`), 'the strike is on the report map');
  assert.ok(svg.includes(`data-event-key="${JADIDA}"`), 'and in its key');
  assert.ok(svg.includes('data-source="centcom-2017-05-25-jadida"'), 'with its report');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('zoomed out to the region, crowded events are clustered with their count', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-06-21&z=10&lat=36.3&lon=43.1`);
  await page.locator('#side details').first().evaluate((d) => { d.open = true; });
  await page.selectOption('#events-window', '30');
  await shownIds(page);
  await page.waitForTimeout(400);
  await drawn(page);
  const clusters = await page.evaluate(() => window.frontline.incidents.rendered()
    .filter((x) => x.type === 'cluster').map((x) => x.count));
  assert.ok(clusters.length >= 1 && clusters.every((n) => n >= 2), `clusters: ${clusters}`);
  // Zoomed in to the city, each event is drawn on its own.
  await page.evaluate(() => window.frontline.map.jumpTo({ center: [43.12, 36.345], zoom: 13 }));
  await drawn(page);
  const singles = await page.evaluate(() => window.frontline.incidents.rendered()
    .filter((x) => x.type === 'event').length);
  assert.ok(singles >= 2, `events on their own: ${singles}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});
