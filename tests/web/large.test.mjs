// The map at country scale: a generated data set of 20,000 districts, 200,000 states and 100,000
// events. After dates are set (forwards and back), every district is painted in the side the API
// gives for it, the colours on the canvas are those factions', the front line is the API's front,
// and the events drawn are the API's events of the window, loaded a month at a time.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { BIN, blend, drawn, frontShown, launchBrowser, nearest, openMap, pixelAt, setDate, startServer } from './helpers.mjs';

const DISTRICTS = 20_000;
const GROUND = '#eceae4';
let data;
let server;
let browser;
let page;
let colour;

before(async () => {
  data = mkdtempSync(path.join(tmpdir(), 'frontline-large-'));
  execFileSync(BIN, ['synth', '--districts', String(DISTRICTS), '--states', '200000', '--seed', '3', '--river-m', '300', '--events', '100000', data], { stdio: 'ignore' });
  server = await startServer(data);
  browser = await launchBrowser();
  const factions = await (await fetch(`${server.url}/api/factions`)).json();
  colour = Object.fromEntries(factions.map((f) => [f.id, f.color]));
  page = await openMap(browser, `${server.url}/`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (data) rmSync(data, { recursive: true, force: true });
});

/** The side key of each district at `date` as the API's snapshot gives it. */
async function sidesFromApi(date) {
  const snapshot = await (await fetch(`${server.url}/api/snapshot?at=${date}T00:00:00Z`)).json();
  return new Map(snapshot.features.map((f) => {
    const p = f.properties;
    const key = p.status === 'held' ? p.faction : p.status === 'contested' ? `contested:${[...p.factions].sort().join('+')}` : 'unknown';
    return [String(f.id), key];
  }));
}

/** Dates inside the generated timeline: a quarter, half and three quarters of the way. */
async function datesInside() {
  const timeline = await (await fetch(`${server.url}/api/timeline`)).json();
  const [start, end] = [Date.parse(timeline.start), Date.parse(timeline.end)];
  return [0.5, 0.25, 0.75].map((f) => new Date(start + (end - start) * f).toISOString().slice(0, 10));
}

test('the map opens framed on the server\'s opening view, 8 px in', async () => {
  const meta = await (await fetch(`${server.url}/api/meta`)).json();
  assert.equal(meta.default_view, null);
  const [w, s, e, n] = meta.opening_view;
  const framed = await page.evaluate(([west, south, east, north]) => {
    const { map } = window.frontline;
    const [a, b] = [map.project([west, north]), map.project([east, south])];
    const { clientWidth: width, clientHeight: height } = map.getContainer();
    return { left: a.x, top: a.y, right: width - b.x, bottom: height - b.y };
  }, [w, s, e, n]);
  const margins = Object.values(framed);
  assert.ok(margins.every((m) => m >= 7.5), `the whole view is in sight, 8 px in: ${JSON.stringify(framed)}`);
  assert.ok(Math.min(framed.left + framed.right, framed.top + framed.bottom) <= 17,
    `the view fills the map across or down: ${JSON.stringify(framed)}`);
});

test('every one of 20,000 districts is painted in the side the API gives, forwards and back', async () => {
  assert.equal(await page.evaluate(() => window.frontline.layer.ids.length), DISTRICTS);
  for (const date of await datesInside()) {
    await setDate(page, date);
    const expected = await sidesFromApi(date);
    const painted = await page.evaluate(() => {
      const { layer } = window.frontline;
      return layer.ids.map((id, i) => [id, layer.keys[i]]);
    });
    const wrong = painted.filter(([id, key]) => expected.get(id) !== key);
    assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} districts painted wrongly on ${date}`);
    assert.ok(new Set(painted.map(([, k]) => k)).size >= 3, 'several sides are on the map');
  }
  assert.deepEqual(page.errors, []);
});

test('the colours drawn where districts lie are their factions\', zoomed in anywhere', async () => {
  const [date] = await datesInside();
  await setDate(page, date);
  const expected = await sidesFromApi(date);
  const summaries = await (await fetch(`${server.url}/api/districts?geometry=none`)).json();
  const candidates = Object.fromEntries(Object.entries(colour).map(([id, c]) => [id, blend(c, 0.72, GROUND)]));
  const held = summaries.features.filter((f) => !expected.get(String(f.id)).startsWith('contested:') && expected.get(String(f.id)) !== 'unknown');
  const probe = held.filter((_, i) => i % Math.floor(held.length / 8) === 0).slice(0, 8);
  for (const f of probe) {
    await page.evaluate((at) => window.frontline.map.jumpTo({ center: at, zoom: 12 }), f.label);
    const got = await pixelAt(page, f.label);
    assert.equal(nearest(got, candidates), expected.get(String(f.id)), `${f.id}: drawn ${got}`);
  }
  assert.ok(new Set(probe.map((f) => expected.get(String(f.id)))).size >= 2, 'the probes cover more than one faction');
});

test('the front line drawn is the API\'s front line at the date', async () => {
  const [date] = await datesInside();
  await setDate(page, date);
  const front = await (await fetch(`${server.url}/api/frontline?at=${date}T00:00:00Z`)).json();
  const expected = new Set(front.features.map((f) => [f.properties.district_a, f.properties.district_b].sort().join('|')));
  const shown = new Set((await frontShown(page)).map((p) => p.split('|').sort().join('|')));
  assert.ok(expected.size > 10, `a front on ${date}: ${expected.size} borders`);
  assert.deepEqual([...shown].filter((p) => !expected.has(p)).slice(0, 5), [], 'no border drawn that the API does not have');
  assert.deepEqual([...expected].filter((p) => !shown.has(p)).slice(0, 5), [], 'every border of the API is drawn');
});

test('the events drawn are the API\'s events of the week, and only a few months are loaded', async () => {
  for (const date of await datesInside()) {
    await setDate(page, date);
    await page.waitForFunction(() => document.body.dataset.eventsAt === document.body.dataset.date);
    const shown = await page.evaluate(() => window.frontline.incidents.shown.map((e) => e.id).sort());
    const end = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000 - 1).toISOString();
    const start = new Date(Date.parse(`${date}T00:00:00Z`) - 6 * 86_400_000).toISOString();
    const api = await (await fetch(`${server.url}/api/events?datetime=${start}/${end}`)).json();
    assert.ok(api.features.length > 100, `a busy week: ${api.features.length}`);
    assert.deepEqual(shown, api.features.map((f) => f.id).sort(), date);
  }
  const loaded = await page.evaluate(() => window.frontline.incidents.byId.size);
  assert.ok(loaded < 100_000 / 4, `loaded ${loaded} of 100,000 events`);
});

test('dragging the slider loads the months ahead, keeps each event once and draws the API\'s week', async () => {
  const before = await page.evaluate(() => [...window.frontline.incidents.months.keys()]);
  const shownAt = await page.evaluate(async () => {
    const slider = document.getElementById('slider');
    const [min, max] = [Number(slider.min), Number(slider.max)];
    // As a hand drags it: input events a frame apart, forwards over a fifth of the range.
    for (let i = 0; i <= 12; i += 1) {
      slider.value = String(min + (max - min) * (0.3 + (0.2 * i) / 12));
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(r));
    }
    return document.body.dataset.date;
  });
  await page.waitForFunction(() => document.body.dataset.eventsAt === document.body.dataset.date);
  const { ids, shown, months, window: [from, until] } = await page.evaluate(() => {
    const { incidents, t } = window.frontline;
    return {
      ids: incidents.events.map((e) => e.id), shown: incidents.shown.map((e) => e.id).sort(),
      months: [...incidents.months.keys()].filter((k) => k !== 'all'), window: incidents.windowOf(t),
    };
  });
  assert.equal(new Set(ids).size, ids.length, 'no event kept twice, though events spanning two months come with both');
  const api = await (await fetch(`${server.url}/api/events?datetime=${new Date(from).toISOString()}/${new Date(until - 1).toISOString()}`)).json();
  assert.deepEqual(shown, api.features.map((f) => f.id).sort(), shownAt);
  // Ahead of the window's last month, in the direction of travel: what the next steps need.
  const lastMonth = Date.UTC(new Date(until - 1).getUTCFullYear(), new Date(until - 1).getUTCMonth(), 1);
  const ahead = months.filter((k) => k > lastMonth && !before.includes(k));
  assert.ok(ahead.length >= 1, `months loaded ahead: ${ahead.map((k) => new Date(k).toISOString().slice(0, 7))}`);
});

test('what changed while zoomed out is drawn on zooming in: groups, districts and front, on new tiles and on tiles seen before', async () => {
  const { last, centre } = await page.evaluate(() => {
    const { blocks, map } = window.frontline;
    return { last: blocks.table.last, centre: map.getCenter().toArray() };
  });
  const far = last - 3;
  // Three dates, each set zoomed out; then the map goes one zoom in (a level of groups built
  // beside the one in view) and past the groups (districts and their borders). The second and
  // third time the deep tiles come from the map's cache. (The test before left the map on the
  // middle date: it comes last.)
  for (const date of (await datesInside()).reverse()) {
    await page.evaluate(([at, z]) => window.frontline.map.jumpTo({ center: at, zoom: z + 0.5 }), [centre, far]);
    await drawn(page);
    // The level beside the one in view is built in the browser's spare time after the map is idle.
    await page.waitForFunction((z) => window.frontline.blocks.levels[z + 1] !== null, far);
    await setDate(page, date);
    const waiting = await page.evaluate((z) => ({
      districts: window.frontline.layer.pending.size, groups: window.frontline.blocks.levels[z + 1].pending.size,
    }), far);
    assert.ok(waiting.districts > 100 && waiting.groups > 100, `zoomed out, the states not drawn wait: ${JSON.stringify(waiting)}`);
    const expected = await sidesFromApi(date);
    for (const z of [far + 1, last + 2]) {
      await page.evaluate(([at, zoom]) => window.frontline.map.jumpTo({ center: at, zoom: zoom + 0.5 }), [centre, z]);
      await drawn(page);
      const wrong = await page.evaluate(([keys, zoom]) => {
        const { map, layer, blocks, front } = window.frontline;
        const key = (slot) => keys[layer.ids[slot]];
        const level = zoom <= blocks.table.last ? blocks.levels[zoom] : null;
        // A group's side: most of its members' area, ties to the first key in sort order.
        const groupKey = (id) => {
          const sums = new Map();
          for (const slot of level.members[level.index.get(id)]) sums.set(key(slot), (sums.get(key(slot)) ?? 0) + (layer.area[slot] || 1e-9));
          return [...sums].sort((a, b) => (Math.abs(b[1] - a[1]) > 1e-12 ? b[1] - a[1] : a[0] < b[0] ? -1 : 1))[0][0];
        };
        const out = [];
        const features = map.queryRenderedFeatures({ layers: ['district-fill'] });
        for (const f of features) {
          const side = f.id < layer.ids.length ? key(f.id) : groupKey(f.id);
          const want = f.id < layer.ids.length ? layer.drawn(side) : side.startsWith('contested:') ? '#4b4b63b8' : layer.fillOf(side);
          if (f.state.drawn !== want) out.push(`${f.id} drawn ${f.state.drawn}, not ${want} (${side})`);
        }
        let borders = 0;
        if (!level) {
          for (const f of map.queryRenderedFeatures({ layers: ['front-core'] })) {
            const [a, b] = [key(front.pairs[2 * f.id]), key(front.pairs[2 * f.id + 1])];
            const hostile = a !== 'unknown' && b !== 'unknown' && !a.startsWith('contested:') && !b.startsWith('contested:') && front.side.get(a) !== front.side.get(b);
            borders += 1;
            if (Boolean(f.state.front) !== hostile) out.push(`border ${f.id}: front ${f.state.front}, between ${a} and ${b}`);
          }
        }
        return { out, features: features.length, groups: features.filter((f) => f.id >= layer.ids.length).length, borders };
      }, [Object.fromEntries(expected), z]);
      assert.deepEqual(wrong.out.slice(0, 5), [], `${date}, zoom ${z}: ${wrong.out.length} of ${wrong.features} drawn wrongly`);
      if (z <= last) assert.ok(wrong.groups > 50, `zoom ${z}: groups drawn (${wrong.groups})`);
      else assert.ok(wrong.features > 20 && wrong.borders > 0, `zoom ${z}: districts and borders drawn (${wrong.features}, ${wrong.borders})`);
    }
  }
  assert.deepEqual(page.errors, []);
});
