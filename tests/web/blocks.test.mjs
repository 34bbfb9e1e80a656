// The map zoomed out over a generated country of 20,000 districts: the outline tiles carry blocks
// (a district wide enough alone, else a group per cell of a few pixels). After dates are set, every group
// is painted in the side holding most of its members' area, computed here from the API's
// snapshot and the documented block table; what the canvas shows is that colour; and the front
// line between blocks runs exactly between blocks of hostile sides.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { BIN, blend, drawn, launchBrowser, nearest, onScreen, openMap, setDate, startServer } from './helpers.mjs';

const GROUND = '#eceae4';
const GROUP_BASE = 2 ** 40;
let data;
let server;
let browser;
let page;

before(async () => {
  data = mkdtempSync(path.join(tmpdir(), 'frontline-blocks-'));
  execFileSync(BIN, ['synth', '--districts', '20000', '--states', '200000', '--seed', '4', data], { stdio: 'ignore' });
  server = await startServer(data);
  browser = await launchBrowser();
  page = await openMap(browser, `${server.url}/`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (data) rmSync(data, { recursive: true, force: true });
});

const get = async (p) => (await fetch(`${server.url}${p}`)).json();
const bytes = async (p) => (await fetch(`${server.url}${p}`)).arrayBuffer();

/** The block table, read from the README's layout. */
function readTable(buffer) {
  const view = new DataView(buffer);
  const count = view.getUint32(8, true);
  const last = view.getUint8(6);
  const block = (slot, z) => {
    if (view.getUint8(12 + slot) <= z) return slot;
    const x = view.getUint16(12 + count + 4 * slot, true) >> (last - z);
    const y = view.getUint16(14 + count + 4 * slot, true) >> (last - z);
    return GROUP_BASE + z * 2 ** 32 + y * 65536 + x;
  };
  return { count, last, block };
}

/** Side keys by district slot at `date`, from the snapshot. */
async function keysAt(date, ids) {
  const snapshot = await get(`/api/snapshot?at=${date}T00:00:00Z`);
  const byId = new Map(snapshot.features.map((f) => {
    const p = f.properties;
    const key = p.status === 'held' ? p.faction : p.status === 'contested' ? `contested:${[...p.factions].sort().join('+')}` : 'unknown';
    return [String(f.id), key];
  }));
  return ids.map((id) => byId.get(id));
}

test('zoomed out, each group is painted in the side holding most of its area, on the canvas too', async () => {
  const summaries = (await get('/api/districts?geometry=none')).features;
  const ids = summaries.map((f) => String(f.id));
  const area = summaries.map((f) => f.properties.area_km2);
  const table = readTable(await bytes('/api/blocks.bin'));
  assert.equal(table.count, ids.length);
  const factions = await get('/api/factions');
  const alliance = new Map(factions.map((f) => [f.id, f.alliance ?? f.id]));
  const held = (k) => k !== 'unknown' && !k.startsWith('contested:');
  const borders = new DataView(await bytes('/api/borders.bin'));
  const timeline = await get('/api/timeline');
  const [start, end] = [Date.parse(timeline.start), Date.parse(timeline.end)];
  const [w, so, e, n] = (await get('/api/meta')).bbox;
  const centre = [(w + e) / 2, (so + n) / 2];
  for (const [f, z] of [[0.4, 6], [0.4, 5], [0.7, 7]]) {
    const date = new Date(start + (end - start) * f).toISOString().slice(0, 10);
    await setDate(page, date);
    await page.evaluate(([at, zoom]) => window.frontline.map.jumpTo({ center: at, zoom: zoom + 0.5 }), [centre, z]);
    await drawn(page);
    const keys = await keysAt(date, ids);
    // The majority by area of each group, worked out here.
    const sums = new Map();
    keys.forEach((key, slot) => {
      const b = table.block(slot, z);
      if (b < GROUP_BASE) return;
      const m = sums.get(b) ?? new Map();
      m.set(key, (m.get(key) ?? 0) + (area[slot] || 1e-9));
      sums.set(b, m);
    });
    const majority = new Map([...sums].map(([b, m]) => {
      const [[best]] = [...m].sort((x, y) => (Math.abs(y[1] - x[1]) > 1e-12 ? y[1] - x[1] : x[0] < y[0] ? -1 : 1));
      return [b, best];
    }));
    const painted = new Map(await page.evaluate((zoom) => [...window.frontline.blocks.painted(zoom)], z));
    assert.ok(majority.size > 100, `zoom ${z}: ${majority.size} groups`);
    assert.equal(painted.size, majority.size, `zoom ${z}: every group is known to the page`);
    const wrong = [...majority].filter(([b, key]) => painted.get(b) !== key);
    assert.deepEqual(wrong.slice(0, 5), [], `zoom ${z} on ${date}: ${wrong.length} groups painted wrongly`);
    const found = new Set(majority.values());
    assert.ok(found.size >= 3, `zoom ${z} on ${date}: several sides among the groups, found ${[...found]}`);

    // On the canvas: where every feature in a 7-pixel box is drawn in one colour, the pixel in its
    // middle is that colour.
    const probes = await page.evaluate((zoom) => {
      const { map } = window.frontline;
      const canvas = map.getCanvas();
      const out = [];
      for (let x = 20; x < canvas.clientWidth - 20; x += 13) {
        for (let y = 20; y < canvas.clientHeight - 20; y += 13) {
          if (!map.queryRenderedFeatures([x, y], { layers: ['district-fill'] }).length) continue;
          // Covered at the middle and the corners, and one colour over the whole box.
          const covered = [-3, 3].every((dx) => [-3, 3].every((dy) => map.queryRenderedFeatures([x + dx, y + dy], { layers: ['district-fill'] }).length));
          const features = map.queryRenderedFeatures([[x - 3, y - 3], [x + 3, y + 3]], { layers: ['district-fill'] });
          const colours = new Set(features.map((f) => f.state.drawn));
          if (covered && colours.size === 1) out.push({ x, y, fill: [...colours][0], ids: features.map((f) => f.id) });
        }
      }
      const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
      return new Promise((resolve) => map.once('render', () => {
        const ratio = canvas.width / canvas.clientWidth;
        for (const p of out) {
          const px = new Uint8Array(4);
          gl.readPixels(Math.round(p.x * ratio), Math.round(canvas.height - p.y * ratio), 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
          p.rgba = [...px];
        }
        resolve({ out, zoom: map.getZoom(), wanted: zoom, background: getComputedStyle(map.getContainer()).backgroundColor });
      }) && map.triggerRepaint());
    }, z);
    const { out } = probes;
    assert.ok(out.length > 20, `zoom ${z}: ${out.length} uniform probes`);
    assert.ok(out.some((p) => p.ids.some((id) => id >= GROUP_BASE)), 'groups are drawn');
    const fills = new Set(out.map((p) => p.fill));
    const candidates = Object.fromEntries([...fills].map((hex) => [hex, blend(hex.slice(0, 7), parseInt(hex.slice(7, 9), 16) / 255, GROUND)]));
    for (const p of out) {
      const rgb = onScreen(p.rgba, probes.background);
      assert.equal(nearest(rgb, candidates), p.fill, `zoom ${z} at ${p.x},${p.y}: ${rgb}`);
    }

    // The front between blocks: exactly the pairs of blocks of hostile sides.
    const keyOf = (b) => (b < GROUP_BASE ? keys[b] : majority.get(b));
    const count = borders.getUint32(8, true);
    const first = new Map();
    for (let i = 0; i < count; i += 1) {
      const [a, b] = [table.block(borders.getUint32(16 + 8 * i, true), z), table.block(borders.getUint32(20 + 8 * i, true), z)];
      if (a === b) continue;
      const pair = `${Math.min(a, b)}|${Math.max(a, b)}`;
      if (first.has(pair)) continue;
      const [ka, kb] = [keyOf(a), keyOf(b)];
      first.set(pair, { id: (z + 1) * 2 ** 32 + i, hostile: held(ka) && held(kb) && alliance.get(ka) !== alliance.get(kb) });
    }
    const shown = new Set(await page.evaluate((zoom) => {
      const level = window.frontline.blocks.level(zoom);
      return level.borderIds.filter((_, u) => level.shown[u]);
    }, z));
    const expected = new Set([...first.values()].filter((b) => b.hostile).map((b) => b.id));
    assert.ok(expected.size >= 10, `zoom ${z}: a front of ${expected.size} block borders`);
    assert.deepEqual([...shown].filter((id) => !expected.has(id)).slice(0, 5), [], 'no front between friendly blocks');
    assert.deepEqual([...expected].filter((id) => !shown.has(id)).slice(0, 5), [], 'every hostile pair of blocks is on the front');
    const drawnFront = await page.evaluate(() => window.frontline.map.queryRenderedFeatures({ layers: ['front-core'] })
      .filter((f) => f.state.front).map((f) => f.id));
    assert.ok(drawnFront.length > 0 && drawnFront.every((id) => expected.has(id)), `zoom ${z}: the front drawn is between blocks`);
  }
  assert.deepEqual(page.errors, []);
});

test('a click on a group opens the district nearest the click among its members', async () => {
  const summaries = (await get('/api/districts?geometry=none')).features;
  const table = readTable(await bytes('/api/blocks.bin'));
  const slot = summaries.findIndex((_, s) => table.block(s, 6) >= GROUP_BASE);
  const f = summaries[slot];
  await page.evaluate((at) => window.frontline.map.jumpTo({ center: at, zoom: 6.5 }), f.label);
  await drawn(page);
  const point = await page.evaluate((at) => window.frontline.map.project(at), f.label);
  const hit = await page.evaluate(({ x, y }) => window.frontline.map.queryRenderedFeatures([x, y], { layers: ['district-fill'] })[0]?.id, point);
  assert.ok(hit !== undefined, 'a block is under the click');
  const clicked = await page.evaluate(({ x, y }) => window.frontline.map.unproject([x, y]), point);
  // A district alone opens itself; a group, the member whose label is nearest the click.
  const members = hit < GROUP_BASE ? [summaries[hit]] : summaries.filter((_, i) => table.block(i, 6) === hit);
  assert.ok(members.length > 0, `block ${hit} has members`);
  const distance = (s) => Math.hypot(s.label[0] - clicked.lng, s.label[1] - clicked.lat);
  const wanted = members.slice().sort((a, b) => distance(a) - distance(b))[0];
  const box = await page.evaluate(() => window.frontline.map.getCanvas().getBoundingClientRect().toJSON());
  await page.mouse.click(box.left + point.x, box.top + point.y);
  await page.waitForSelector('#panel:not([hidden])');
  await page.waitForFunction(() => window.location.hash.includes('district='));
  const hash = await page.evaluate(() => window.location.hash);
  assert.match(hash, new RegExp(`district=${wanted.id}(&|$)`), `a click on block ${hit} of ${members.length}`);
});

test('comparing two dates outlines each group in the colour of the side that gained most of its changed area', async () => {
  const summaries = (await get('/api/districts?geometry=none')).features;
  const ids = summaries.map((f) => String(f.id));
  const table = readTable(await bytes('/api/blocks.bin'));
  const timeline = await get('/api/timeline');
  const [start, end] = [Date.parse(timeline.start), Date.parse(timeline.end)];
  const day = (f) => new Date(start + (end - start) * f).toISOString().slice(0, 10);
  const [early, late] = [day(0.3), day(0.6)];
  await setDate(page, late);
  await page.evaluate(() => window.frontline.map.jumpTo({ zoom: 6.5 }));
  await page.fill('#compare-date', early);
  await page.dispatchEvent('#compare-date', 'change');
  await page.waitForSelector('#compare-summary:not([hidden])');
  const [before, after] = [await keysAt(early, ids), await keysAt(late, ids)];
  const won = new Map();
  summaries.forEach((f, slot) => {
    const b = table.block(slot, 6);
    if (b < GROUP_BASE || before[slot] === after[slot]) return;
    const m = won.get(b) ?? new Map();
    m.set(after[slot], (m.get(after[slot]) ?? 0) + (f.properties.area_km2 || 1e-9));
    won.set(b, m);
  });
  assert.ok(won.size > 50, `${won.size} groups changed hands in part`);
  const expected = [...won].map(([b, m]) => [b, [...m].sort((x, y) => (Math.abs(y[1] - x[1]) > 1e-12 ? y[1] - x[1] : x[0] < y[0] ? -1 : 1))[0][0]]);
  const got = await page.evaluate((groups) => {
    const { map, layer } = window.frontline;
    return groups.map(([b, key]) => [b, map.getFeatureState({ source: 'geometry', sourceLayer: 'districts', id: b }).gain, layer.gainColour(key)]);
  }, expected);
  const wrong = got.filter(([, gain, wanted]) => gain !== wanted);
  assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} of ${got.length} groups outlined wrongly`);
  const untouched = await page.evaluate(() => {
    const level = window.frontline.blocks.level(6);
    return level.ids.filter((id, k) => id >= 2 ** 40 && level.gained[k] !== null).length;
  });
  assert.equal(untouched, won.size, 'only the groups with a change are outlined');
  await page.fill('#compare-date', '');
  await page.dispatchEvent('#compare-date', 'change');
});
