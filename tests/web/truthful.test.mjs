// A map you could publish: the page names the battle and opens inside it on the city, draws the
// river, bridges, key terrain and place names, credits every source, gives figures for a named
// region, and marks, searches, plays and charts as a reader expects.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clickDistrict, frontShown, launchBrowser, openMap, setDate, shownDate, startServer } from './helpers.mjs';

let server;
let browser;
let meta;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  meta = await (await fetch(`${server.url}/api/meta`)).json();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the page names the battle and opens inside it, framed on the city', async () => {
  const page = await openMap(browser, `${server.url}/`);
  assert.equal(await page.textContent('#title'), 'Battle of Mosul');
  assert.match(await page.title(), /Battle of Mosul/);
  assert.equal(await shownDate(page), '2017-01-24');
  const framed = await page.evaluate(() => {
    const { map, layer } = window.frontline;
    const view = map.getBounds();
    const inView = (id) => view.contains(layer.bounds(layer.slotOf.get(id)).getCenter());
    return {
      width: view.getEast() - view.getWest(),
      rashidiya: inView('rashidiya'), tanak: inView('tanak'), gogjali: inView('gogjali'), raqqa: inView('raqqa'),
    };
  });
  assert.ok(framed.rashidiya && framed.tanak && framed.gogjali, `the city is in view: ${JSON.stringify(framed)}`);
  assert.ok(!framed.raqqa, 'Raqqa, 400 km away, is not');
  assert.ok(framed.width < 0.5, `the view is a city's width, not the region's: ${framed.width}°`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the Tigris, its bridges, key terrain and the names of the two banks are drawn', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-01-24&z=13&lat=36.345&lon=43.13`);
  const drawnIn = (prefix) => page.evaluate((p) => {
    const { map } = window.frontline;
    const layers = map.getStyle().layers.map((l) => l.id).filter((id) => id.startsWith(p));
    return map.queryRenderedFeatures({ layers });
  }, prefix);
  const water = await page.evaluate(() => window.frontline.map.getStyle().layers.filter((l) => l.id.includes('tigris') || (l.type === 'fill' && JSON.stringify(l.paint?.['fill-color'] ?? '').includes('#9cc3e0'))).length);
  assert.ok(water >= 1, 'a water layer is on the map');
  const meta = await (await fetch(`${server.url}/api/meta`)).json();
  const bridgeLayer = meta.layers.find((l) => l.kind === 'bridge');
  const bridges = await drawnIn(`context-${bridgeLayer.id}-line`);
  assert.equal(new Set(bridges.map((f) => f.properties.name)).size, 5, 'five bridges are drawn in view');
  const waterLayer = meta.layers.find((l) => l.kind === 'water');
  assert.ok((await drawnIn(`context-${waterLayer.id}-`)).length >= 1, 'the river is drawn in view');
  const landmarks = await page.$$eval('.landmark-name', (els) => els.map((e) => e.textContent));
  for (const name of ['al-Nuri mosque', 'Mosul Museum']) assert.ok(landmarks.includes(name), `${name} in ${landmarks}`);
  const places = await page.$$eval('.place-label span', (els) => els
    .filter((e) => getComputedStyle(e).display !== 'none').map((e) => e.textContent));
  assert.ok(places.includes('East Mosul') && places.includes('West Mosul'), `${places}`);
  await page.close();
});

test('every data source is credited, and no flag or other political mark is shown', async () => {
  const page = await openMap(browser, `${server.url}/`);
  const attribution = await page.textContent('.maplibregl-ctrl-attrib');
  assert.match(attribution, /OCHA/);
  assert.match(attribution, /GeoNames/);
  assert.equal(await page.locator('.maplibregl-ctrl-attrib svg, .maplibregl-ctrl-logo').count(), 0, 'no flag or logo in the attribution');
  await page.click('.credits-link');
  assert.equal(await page.getAttribute('#credits-box', 'open'), '');
  const credits = await page.textContent('#credits');
  for (const c of meta.credits) assert.ok(credits.includes(c.text), `credit: ${c.text}`);
  for (const l of meta.layers) assert.ok(credits.includes(l.attribution), `layer: ${l.name}`);
  assert.ok(credits.includes('CC BY-IGO') && credits.includes('CC BY 4.0'), 'licences are named');
  await page.close();
});

test('the legend gives the share of the picked region, Mosul city first', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-05-16&z=12&lat=36.34&lon=43.13`);
  assert.equal(await page.inputValue('#region'), 'mosul');
  const cityIsil = await page.textContent('[data-area="isil"]');
  assert.match(cityIsil, /km² · \d+ %/);
  await page.selectOption('#region', 'west-mosul');
  await page.waitForFunction(() => document.body.dataset.region === 'west-mosul');
  const westIsil = await page.textContent('[data-area="isil"]');
  const share = (text) => Number(text.match(/(\d+) %/)[1]);
  assert.ok(share(westIsil) > share(cityIsil), `IS held more of west Mosul (${westIsil}) than of the city (${cityIsil})`);
  assert.match(await page.textContent('#region-note'), /approximate/);
  // The chart follows the region, with a time axis and values.
  const axis = await page.$$eval('#chart .axis text', (ts) => ts.map((t) => t.textContent));
  assert.ok(axis.includes('100 %') && axis.includes('0 %'), `values on the axis: ${axis}`);
  assert.ok(axis.includes('2017'), `a time axis with the year: ${axis}`);
  assert.ok(await page.locator('#chart path.series[data-faction="isil"]').count() === 1);
  await page.close();
});

test('the history panel lists states oldest first, marks the one in force, and its dates jump the map', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-06-05&z=14&lat=36.345&lon=43.11&district=zanjili`);
  await page.waitForSelector('#panel:not([hidden]) table.history');
  const froms = await page.$$eval('#panel tr.state', (rows) => rows.map((r) => Number(r.dataset.from)));
  assert.deepEqual(froms, [...froms].sort((a, b) => a - b), 'oldest first');
  const current = page.locator('#panel tr.state.current');
  assert.equal(await current.count(), 1);
  assert.equal(await current.getAttribute('data-status'), 'contested', 'on 5 June Zanjili was fought over');
  assert.match(await current.textContent(), /in force on 2017-06-05/);
  // The district, and zoomed out the blocks it is drawn in.
  const [filter, outlined] = await page.evaluate(() => {
    const { map, layer, blocks } = window.frontline;
    const slot = layer.slotOf.get('zanjili');
    return [map.getFilter('district-selected'), [slot, ...blocks.groupsOf(slot)]];
  });
  assert.deepEqual(filter, ['in', ['id'], ['literal', outlined]], 'the district is outlined');
  assert.ok(outlined.length > 1 && outlined.slice(1).every((id) => id >= 2 ** 40), 'with the groups it is in zoomed out');
  await page.locator('#panel tr.state[data-faction="isf"] button.date-link').first().click();
  assert.equal(await shownDate(page), '2017-06-13');
  assert.equal(await page.locator('#panel tr.state.current').getAttribute('data-faction'), 'isf');
  await page.close();
});

test('search finds districts by alternative names and by parts of names', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-06-03&z=12&lat=36.34&lon=43.13`);
  const results = async (text) => {
    await page.fill('#search', text);
    await page.waitForSelector('#search-results:not([hidden])');
    return page.$$eval('#search-results li', (lis) => lis.map((li) => li.textContent.trim()));
  };
  assert.match((await results('Zinjili'))[0], /^Zanjili/, 'a spelling variant');
  assert.ok((await results('jadid')).some((r) => /^Bab Jadid/.test(r)), 'part of a name');
  assert.ok((await results('الموصل الجديدة')).some((r) => /Mosul al-Jadida/.test(r)), 'the Arabic name');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#panel:not([hidden]) table.history');
  assert.equal(await page.textContent('#panel-title'), 'Mosul al-Jadida');
  await page.close();
});

test('the date fields read and take ISO dates', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-06-03&z=12&lat=36.34&lon=43.13`);
  assert.equal(await page.getAttribute('#date', 'type'), 'text');
  assert.equal(await page.inputValue('#date'), '2017-06-03');
  await setDate(page, '2017-03-07');
  assert.equal(await page.inputValue('#date'), '2017-03-07');
  await page.fill('#date', '7 March');
  await page.dispatchEvent('#date', 'change');
  assert.equal(await page.evaluate(() => document.getElementById('date').validity.valid), false, 'a non-ISO date is refused');
  assert.ok((await page.evaluate(() => document.body.dataset.date)).startsWith('2017-03-07'), 'the map stays put');
  await page.close();
});

test('on 24 January 2017 the front runs along the Tigris, and on 10 July none is left', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-01-24&z=12.5&lat=36.345&lon=43.13`);
  const shown = () => frontShown(page);
  const river = await shown();
  assert.ok(river.includes('dhubbat|jawsaq'), `across the river: ${river}`);
  assert.ok(river.length >= 15, `${river.length} stretches of front along the river`);
  await setDate(page, '2017-07-10');
  assert.deepEqual(await shown(), [], 'no front between allies, none with the Islamic State');
  await page.close();
});

test('on a phone the history panel leaves the district it describes in sight', async () => {
  const page = await openMap(browser, `${server.url}/#date=2017-06-21&z=14&lat=36.345&lon=43.125`,
    { width: 375, height: 700 });
  // The destruction of the al-Nuri mosque on this day is drawn over the district: hide events.
  await page.locator('#side details').first().evaluate((d) => { d.open = true; });
  await page.uncheck('#events-on');
  await page.locator('#side details').first().evaluate((d) => { d.open = false; });
  await clickDistrict(page, 'old-city-nuri-mosque');
  await page.waitForSelector('#panel:not([hidden]) table.history');
  await page.waitForTimeout(300);
  const district = await page.evaluate(() => {
    const { map, layer } = window.frontline;
    const b = layer.bounds(layer.slotOf.get('old-city-nuri-mosque'));
    const [nw, se] = [map.project(b.getNorthWest()), map.project(b.getSouthEast())];
    const box = map.getCanvas().getBoundingClientRect();
    return { y: box.top + nw.y, height: se.y - nw.y };
  });
  const sheet = await page.locator('#panel').boundingBox();
  assert.ok(district.y + district.height <= sheet.y, `the district (bottom ${district.y + district.height}) is above the sheet (top ${sheet.y})`);
  assert.ok(district.y >= 36, 'and below the header');
  await page.close();
});

test('on a phone the credits line stays within the map, its sources cut short and "all credits" in sight', async () => {
  const page = await openMap(browser, `${server.url}/`, { width: 375, height: 700 });
  const boxes = await page.evaluate(() => {
    const box = (el) => el.getBoundingClientRect().toJSON();
    const short = document.querySelector('.credits-short');
    return {
      map: box(document.getElementById('map')), line: box(document.querySelector('.maplibregl-ctrl-attrib')),
      link: box(document.querySelector('.maplibregl-ctrl-attrib .credits-link')), cut: short.scrollWidth > short.clientWidth,
    };
  });
  assert.ok(boxes.line.left >= boxes.map.left && boxes.line.right <= boxes.map.right, `the line ${JSON.stringify(boxes.line)} within the map ${JSON.stringify(boxes.map)}`);
  assert.ok(boxes.link.width > 20 && boxes.link.left >= boxes.map.left && boxes.link.right <= boxes.map.right, `"all credits" in sight: ${JSON.stringify(boxes.link)}`);
  assert.ok(boxes.cut, 'the sources are cut short on a phone');
  await page.close();
});
