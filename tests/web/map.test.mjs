// The map at 2017-06-03: who held Zanjili, the Old City and Rashidiya, drawn in their colours.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, blend, districtLook, frontShown, launchBrowser, nearest, openMap, pixelAt, setDate, startServer } from './helpers.mjs';

let server;
let browser;
let page;
let colour;
let oldCity;
let anchors;
const GROUND = '#eceae4';

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const factions = await (await fetch(`${server.url}/api/factions`)).json();
  colour = Object.fromEntries(factions.map((f) => [f.id, f.color]));
  const districts = await (await fetch(`${server.url}/api/districts`)).json();
  oldCity = districts.features.filter((f) => /Old City/.test(f.properties.name)).map((f) => String(f.id));
  const summaries = await (await fetch(`${server.url}/api/districts?geometry=none`)).json();
  anchors = Object.fromEntries(summaries.features.map((f) => [f.id, f.label]));
  page = await openMap(browser, `${server.url}/`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the map opens on the data set\'s own date, inside the battle, with every district drawn', async () => {
  const meta = await (await fetch(`${server.url}/api/meta`)).json();
  const opened = await page.inputValue('#date');
  assert.equal(opened, meta.default_date.slice(0, 10));
  assert.ok(meta.period[0].slice(0, 10) <= opened && opened <= meta.period[1].slice(0, 10), `${opened} is inside the battle`);
  const drawn = await page.evaluate(() => {
    const { map } = window.frontline;
    return new Set(map.querySourceFeatures('geometry', { sourceLayer: 'districts' }).map((f) => f.id)).size;
  });
  const inView = await page.evaluate(() => {
    const { map, layer } = window.frontline;
    const b = map.getBounds();
    return layer.bbox.filter(([w, s, e, n]) => e >= b.getWest() && w <= b.getEast() && n >= b.getSouth() && s <= b.getNorth()).length;
  });
  assert.ok(inView > 50 && drawn >= inView, `${drawn} districts in the loaded tiles, ${inView} in view`);
  assert.equal(await page.evaluate(() => window.frontline.layer.ids.length), meta.districts);
  assert.deepEqual(page.errors, []);
});

test('on 3 June 2017 Zanjili and the Old City are held or contested by isil', async () => {
  await setDate(page, '2017-06-03');
  assert.ok(oldCity.length >= 4, `expected Old City quarters, found ${oldCity}`);
  for (const id of ['zanjili', ...oldCity]) {
    const look = await districtLook(page, id);
    if (look.status === 'held') {
      assert.equal(look.faction, 'isil', `${id} held by ${look.faction}`);
      assert.equal(look.fill, colour.isil, `${id} fill`);
    } else {
      assert.equal(look.status, 'contested', `${id} is ${look.status}`);
      assert.ok(look.factions.includes('isil'), `${id} contested by ${look.factions}`);
      assert.ok(look.fill === colour.isil || look.stripes.includes('isil'), `${id} is filled or striped with isil`);
    }
  }
});

test('on 3 June 2017 Rashidiya is held by isf, in the isf colour', async () => {
  await setDate(page, '2017-06-03');
  const look = await districtLook(page, 'rashidiya');
  assert.equal(look.status, 'held');
  assert.equal(look.faction, 'isf');
  assert.equal(look.fill, colour.isf);
});

test('the colours drawn on the canvas are the factions the API gives, at a date and after a step back', async () => {
  const candidates = Object.fromEntries(Object.entries(colour).map(([id, c]) => [id, blend(c, 0.72, GROUND)]));
  candidates.unknown = blend('#9a9a9a', 0.35, GROUND);
  for (const date of ['2017-06-03', '2016-11-20']) {
    await setDate(page, date);
    const snapshot = await (await fetch(`${server.url}/api/snapshot?at=${date}T00:00:00Z`)).json();
    const held = snapshot.features.filter((f) => f.properties.status === 'held' && anchors[f.id]);
    // Six districts spread over the list, whoever holds them.
    const step = Math.max(1, Math.floor(held.length / 6));
    const probe = held.filter((_, i) => i % step === 0).slice(0, 6);
    assert.ok(probe.length >= 3, `districts to probe on ${date}: ${probe.map((f) => f.id)}`);
    for (const f of probe) {
      await page.evaluate((at) => window.frontline.map.jumpTo({ center: at, zoom: 13 }), anchors[f.id]);
      const got = await pixelAt(page, anchors[f.id]);
      assert.equal(nearest(got, candidates), f.properties.faction, `${f.id} on ${date}: drawn ${got}, held by ${f.properties.faction}`);
    }
  }
});

test('the page paints its data while the outline tiles are on their way, and the tiles come in in those colours', async () => {
  // The tiles are held back until the page has painted: painting waits for the map's style,
  // not for its tiles.
  let release;
  const released = new Promise((r) => { release = r; });
  const held = [];
  const late = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  try {
    // Set on the context: the map fetches its tiles from a Worker.
    await late.context().route(/\/tiles\/districts\/\d+\/\d+\/\d+\.mvt/, async (route) => {
      held.push(route.request().url());
      await released;
      await route.continue();
    });
    await late.goto(`${server.url}/#date=2017-06-03&z=13&lat=${anchors.rashidiya[1]}&lon=${anchors.rashidiya[0]}`);
    await late.waitForFunction(() => performance.getEntriesByName('frontline:painted').length > 0, null, { timeout: 30_000 });
    // No tile has come in yet: those asked for are held.
    for (let i = 0; i < 100 && !held.length; i += 1) await late.waitForTimeout(100);
    assert.ok(held.length > 0, 'outline tiles were asked for, and are held');
    assert.equal(await late.evaluate(() => document.body.dataset.ready), undefined, 'not ready without its tiles');
    release();
    await late.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 });
    const candidates = Object.fromEntries(Object.entries(colour).map(([id, c]) => [id, blend(c, 0.72, GROUND)]));
    const got = await pixelAt(late, anchors.rashidiya);
    assert.equal(nearest(got, candidates), 'isf', `Rashidiya drawn ${got} on 3 June 2017, held by isf`);
  } finally {
    release();
    await late.close();
  }
});

test('the front line is drawn between Islamic State and Iraqi forces districts on 3 June 2017', async () => {
  await setDate(page, '2017-06-03');
  const shown = await frontShown(page);
  assert.ok(shown.length > 0, 'some front segments are shown');
  const rendered = await page.evaluate(() => window.frontline.map.queryRenderedFeatures({ layers: ['front-core'] })
    .filter((f) => f.state.front).length);
  assert.ok(rendered > 0, 'and drawn in view');
});

/** What the map's next frame draws: how many draws, how many of them instanced, how many
 * WebGL programs it draws with, and how many of those are MapLibre's sky (the fragment shader
 * reads the sky's colour). */
function programsOfAFrame(page) {
  return page.evaluate(async () => {
    const { map } = window.frontline;
    const canvas = map.getCanvas();
    const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    const used = new Set();
    let draws = 0;
    let instanced = 0;
    const names = ['drawElements', 'drawArrays', 'drawElementsInstanced', 'drawArraysInstanced'];
    for (const name of names) {
      const draw = gl[name];
      gl[name] = function counted(...args) {
        draws += 1;
        if (name.endsWith('Instanced')) instanced += 1;
        used.add(gl.getParameter(gl.CURRENT_PROGRAM));
        return draw.apply(gl, args);
      };
    }
    const frame = new Promise((r) => map.once('render', r));
    map.triggerRepaint();
    await frame;
    for (const name of names) delete gl[name];
    const sky = [...used].map((p) => gl.getAttachedShaders(p).some((s) => /u_sky_color/.test(gl.getShaderSource(s))));
    return { draws, instanced, programs: used.size, sky: sky.filter(Boolean).length };
  });
}

// Software WebGL pays for every pixel and every draw: a frame paints nothing it does not show.
test('a frame draws no sky over the unpitched map, no ground layer and the events in one draw; pitched, the sky comes back', async () => {
  await setDate(page, '2017-06-03');
  const events = await page.evaluate(() => Number(document.body.dataset.events));
  assert.ok(events > 0, `events are drawn on 3 June 2017: ${events}`);
  const flat = await programsOfAFrame(page);
  assert.ok(flat.draws > 5, `the districts, the front and the rest are drawn: ${flat.draws} draws`);
  assert.equal(flat.sky, 0, 'the sky, a full-canvas quad above the horizon, is not drawn');
  // The ground is the map's CSS background behind the canvas, not a layer painting every pixel.
  const backgrounds = await page.evaluate(() => window.frontline.map.getStyle().layers
    .filter((l) => l.type === 'background' && l.layout?.visibility !== 'none').map((l) => l.id));
  assert.deepEqual(backgrounds, [], 'no background layer is drawn');
  assert.equal(await page.evaluate(() => getComputedStyle(window.frontline.map.getContainer()).backgroundColor),
    'rgb(236, 234, 228)', 'the ground shows through the canvas');
  // SwiftShader draws each instance of an instanced draw as a draw of its own.
  assert.equal(flat.instanced, 0, 'no instanced draws (the events are plain triangles)');
  // Each WebGL program is compiled as the page loads, tens of milliseconds each in software:
  // the water's fill shares the districts' program, and no fill of one colour is left to need
  // a program of its own (the sub-districts' grey fill, the ground's own colour, is drawn only
  // over a basemap). Drawn with: tile clipping, the
  // districts' fill, their stripes, plain lines, the front's lines, the sub-districts' dashes
  // and the events.
  assert.equal(flat.programs, 7, `a frame draws with 7 programs: ${flat.programs}`);
  // The page never pitches the map; a script can, and then the sky is MapLibre's as before.
  await page.evaluate(() => window.frontline.map.jumpTo({ pitch: 60 }));
  try {
    assert.equal((await programsOfAFrame(page)).sky, 1, 'pitched, the sky is drawn');
  } finally {
    await page.evaluate(() => window.frontline.map.jumpTo({ pitch: 0 }));
  }
});

test('download gives the GeoJSON of the shown date and view', async () => {
  await setDate(page, '2017-06-03');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  assert.equal(download.suggestedFilename(), 'frontline-2017-06-03.geojson');
  const body = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(body.type, 'FeatureCollection');
  assert.equal(body.at, '2017-06-03T00:00:00Z');
  const zanjili = body.features.find((f) => f.id === 'zanjili');
  assert.ok(zanjili, 'Zanjili is in view');
  assert.equal(zanjili.properties.status, 'contested');
});

test('a screenshot of the map at 2017-06-03 is saved as an artifact', async () => {
  await page.goto(`${server.url}/#date=2017-06-03&z=13.5&lat=36.34&lon=43.13`);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  await page.waitForFunction(() => document.body.dataset.date?.startsWith('2017-06-03'));
  const dir = path.join(ROOT, 'artifacts');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, 'map-2017-06-03.png') });
});

test('district names are drawn where a district is wide enough for one, the widest first, and none zoomed out', async () => {
  for (const [zoom, wideAtLeast] of [[11.5, 20], [7.5, 0]]) {
    const got = await page.evaluate((zoom) => {
      const { map, layer } = window.frontline;
      // jumpTo ends its move at once: the labels are placed in its moveend.
      map.jumpTo({ center: [43.14, 36.34], zoom });
      const b = map.getBounds();
      // Every district in view measured on screen, by projecting its corners.
      const wide = [];
      layer.bbox.forEach(([w, s, e, n], slot) => {
        if (e < b.getWest() || w > b.getEast() || n < b.getSouth() || s > b.getNorth()) return;
        const nw = map.project([w, n]);
        const se = map.project([e, s]);
        if (se.x - nw.x >= 48 && se.y - nw.y >= 14) wide.push({ slot, name: layer.names[slot], width: se.x - nw.x });
      });
      wide.sort((x, y) => y.width - x.width);
      const labels = [...document.querySelectorAll('.district-label span')].map((s) => s.textContent);
      const candidates = layer.labelCandidates(48).map((c) => c.slot).sort((x, y) => x - y);
      return { wide, labels, candidates };
    }, zoom);
    const short = (name) => name.replace(/\s*\([^)]*\)\s*$/, '') || name;
    const names = new Set(got.wide.map((w) => short(w.name)));
    // The candidates for a name are exactly the districts measured wide enough.
    assert.deepEqual(got.candidates, got.wide.map((w) => w.slot).sort((x, y) => x - y), `zoom ${zoom}: candidates`);
    assert.ok(got.wide.length >= wideAtLeast, `zoom ${zoom}: ${got.wide.length} districts wide enough for a name`);
    for (const label of got.labels) assert.ok(names.has(label), `zoom ${zoom}: "${label}" labels a district wide enough`);
    if (got.wide.length) {
      assert.ok(got.labels.includes(short(got.wide[0].name)), `zoom ${zoom}: the widest, ${got.wide[0].name}, is named`);
    } else {
      assert.deepEqual(got.labels, [], `zoom ${zoom}: no district is wide enough, so none is named`);
    }
  }
});

test('the page reads its districts from the binary table, the same as the GeoJSON list', async () => {
  const reads = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname + new URL(e.name).search));
  assert.ok(reads.includes('/api/districts.bin'), 'the table is read');
  assert.ok(!reads.some((r) => r.startsWith('/api/districts?')), 'the GeoJSON list is not');
  const list = (await (await fetch(`${server.url}/api/districts?geometry=none`)).json()).features;
  const table = await page.evaluate(async () => {
    const { decodeDistricts } = await import('/js/district-table.js');
    const t = decodeDistricts(await (await fetch('/api/districts.bin')).arrayBuffer());
    const { layer } = window.frontline;
    return { ...t, page: layer.ids, pageNames: layer.names };
  });
  assert.deepEqual(table.ids, list.map((f) => f.id));
  assert.deepEqual(table.page, table.ids, 'the page\'s districts are the table\'s, in order');
  assert.deepEqual(table.names, list.map((f) => f.properties.name));
  assert.deepEqual(table.pageNames, table.names);
  assert.deepEqual(table.altNames, list.map((f) => f.properties.alt_names));
  assert.ok(table.altNames.flat().some((n) => /[\u0600-\u06ff]/.test(n)), 'Arabic spellings come through');
  list.forEach((f, i) => {
    // The table rounds boxes outwards to 10⁻⁶ degrees, label points to the nearest 10⁻⁶ degrees as
    // the list does, and areas to a float (the list to 0.001 km²).
    f.bbox.forEach((v, k) => assert.ok(Math.abs(table.bbox[i][k] - v) <= 1.01e-6, `${f.id} box ${k}: ${table.bbox[i][k]} for ${v}`));
    f.label.forEach((v, k) => assert.ok(Math.abs(table.anchor[i][k] - v) <= 6e-7, `${f.id} label ${k}: ${table.anchor[i][k]} for ${v}`));
    assert.ok(Math.abs(table.area[i] - f.properties.area_km2) <= 6e-4, `${f.id}: ${table.area[i]} km² for ${f.properties.area_km2}`);
  });
});
