// The web map's speed in headless Chromium (WebGL in software, as in CI), on Mosul and on a
// generated data set: page load → map ready (tiles in view drawn in the date's colours; right after
// the server starts, then twice more, and for a first visitor once the server is up), slider
// step → the map's next frame drawn and → on screen (median, p95; on the first scrub, which
// fetches each month of events as it is reached, on a second, and with events off), JS heap
// after scrubbing, bytes the page downloaded (compressed), and the server's tiles over the data
// set (largest, encode time p95).
// Not part of the test run: `scripts/bench-web [DISTRICTS] [STATES] [EVENTS]` (defaults 50,000 /
// 1,000,000 / 200,000).
// Steps are deterministic: 60 evenly spaced slider positions across the whole range, twice.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BIN, ROOT, launchBrowser, startServer } from './helpers.mjs';

const STEPS = 60;
const [DISTRICTS = 50_000, STATES = 1_000_000, EVENTS = 200_000] = process.argv.slice(2).map(Number);

const quantile = (xs, q) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const ms = (x) => `${x.toFixed(0)} ms`;

/** Every tile over the data set's bounds at zooms 2–12 (capped per zoom): sizes and times. */
async function tiles(url) {
  const meta = await (await fetch(`${url}/api/meta`)).json();
  const [w, s, e, n] = meta.default_view ?? meta.bbox;
  const tileOf = (lon, lat, z) => {
    const k = 2 ** z;
    const r = (lat * Math.PI) / 180;
    return [Math.floor(((lon + 180) / 360) * k), Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * k)];
  };
  const template = (await (await fetch(`${url}/tiles/districts.json`)).json()).tiles[0];
  const out = [];
  for (let z = 2; z <= 12; z += 1) {
    const [x0, y0] = tileOf(w, n, z);
    const [x1, y1] = tileOf(e, s, z);
    let count = 0;
    for (let x = x0; x <= x1 && count < 40; x += 1) {
      for (let y = y0; y <= y1 && count < 40; y += 1, count += 1) {
        const t0 = performance.now();
        const res = await fetch(template.replace('{z}', z).replace('{x}', x).replace('{y}', y));
        const bytes = (await res.arrayBuffer()).byteLength;
        out.push({ z, bytes, ms: performance.now() - t0 });
      }
    }
  }
  const biggest = out.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  return `${out.length} outline tiles z2–12 over the data set (first request, encoded then): largest ${(biggest.bytes / 1024).toFixed(0)} KB at z${biggest.z}, `
    + `${out.filter((t) => t.bytes > 500 * 1024).length} over 500 KB, served in p50 ${ms(quantile(out.map((t) => t.ms), 0.5))}, p95 ${ms(quantile(out.map((t) => t.ms), 0.95))}`;
}

/** Load → ready for a first visitor: a new browser context (nothing cached) once the server
 * has been up `after` ms, past its start-up preparing. */
async function firstVisit(browser, url, started, after = 10_000) {
  await new Promise((r) => setTimeout(r, Math.max(0, started + after - Date.now())));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(`${url}/?visitor`);
    await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 120_000 });
    return await page.evaluate(() => performance.getEntriesByName('frontline:first-map')[0].startTime);
  } finally {
    await context.close();
  }
}

async function measure(label, dataDir) {
  const server = await startServer(dataDir);
  const started = Date.now();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    let downloaded = 0;
    cdp.on('Network.loadingFinished', (e) => { downloaded += e.encodedDataLength; });
    const loads = [];
    let phases;
    let firstDownload = 0;
    for (let i = 0; i < 3; i += 1) {
      downloaded = 0;
      await page.goto(`${server.url}/?run=${i}`);
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 120_000 });
      if (i === 0) firstDownload = downloaded;
      loads.push(await page.evaluate(() => performance.getEntriesByName('frontline:first-map')[0].startTime));
      phases = await page.evaluate(() => ['map', 'data', 'painted', 'first-map']
        .map((n) => `${n} ${performance.getEntriesByName(`frontline:${n}`)[0].startTime.toFixed(0)}`).join(', '));
    }
    const visitor = await firstVisit(browser, server.url, started);
    const scrub = () => page.evaluate(async (n) => {
      const { map } = window.frontline;
      const slider = document.getElementById('slider');
      const [min, max] = [Number(slider.min), Number(slider.max)];
      const drawn = () => new Promise((r) => map.once('render', r));
      const out = [];
      for (let round = 0; round < 2; round += 1) {
        for (let i = 0; i <= n; i += 1) {
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
          const t0 = performance.now();
          const frame = drawn();
          slider.value = String(min + ((max - min) * (round ? n - i : i)) / n);
          slider.dispatchEvent(new Event('input', { bubbles: true }));
          // A step that changes nothing draws nothing: ask for the frame, so every step is timed
          // to a drawn frame.
          map.triggerRepaint();
          await frame;
          const drawnAt = performance.now() - t0;
          // The browser begins the next frame once the compositor has taken this one: the time
          // the step is on screen, at most a frame (16.7 ms) late.
          await new Promise((r) => requestAnimationFrame(r));
          out.push([drawnAt, performance.now() - t0]);
        }
      }
      return out;
    }, STEPS);
    // The first scrub fetches each month of events as the date reaches it; the second runs
    // over months already loaded.
    const timed = await scrub();
    const loaded = (await scrub()).map((x) => x[0]);
    // The same steps with the events layer switched off: what the events cost a step.
    await page.uncheck('#events-on');
    const untimed = await scrub();
    const [steps, shown, bare, bareShown] = [timed, timed, untimed, untimed].map((xs, i) => xs.map((x) => x[i % 2]));
    await page.check('#events-on');
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    console.log(`${label}:`);
    console.log(`  load → map ready: ${loads.map(ms).join(', ')} (cold, warm, warm); phases of the last: ${phases}; a first visitor 10 s after the server started: ${ms(visitor)}`);
    console.log(`  slider step → next frame drawn: median ${ms(quantile(steps, 0.5))}, p95 ${ms(quantile(steps, 0.95))}, max ${ms(Math.max(...steps))} (${steps.length} steps, forwards then back, events fetched as reached); months loaded: median ${ms(quantile(loaded, 0.5))}, p95 ${ms(quantile(loaded, 0.95))}; events off: median ${ms(quantile(bare, 0.5))}, p95 ${ms(quantile(bare, 0.95))}`);
    console.log(`  slider step → on screen (the next frame begun): median ${ms(quantile(shown, 0.5))}, p95 ${ms(quantile(shown, 0.95))}; events off: median ${ms(quantile(bareShown, 0.5))}, p95 ${ms(quantile(bareShown, 0.95))}`);
    console.log(`  JS heap after scrubbing: ${(heap.usedSize / 2 ** 20).toFixed(0)} MB; downloaded on a cold load: ${(firstDownload / 2 ** 20).toFixed(2)} MB`);
    console.log(`  ${await tiles(server.url)}`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

await measure('Mosul (data/mosul)', path.join(ROOT, 'data/mosul'));
const synth = mkdtempSync(path.join(tmpdir(), 'frontline-synth-'));
try {
  // `scripts/bench-web 0` measures Mosul alone.
  if (DISTRICTS === 0) process.exit(0);
  execFileSync(BIN, ['synth', '--districts', String(DISTRICTS), '--states', String(STATES), '--events', String(EVENTS), '--seed', '1', synth], { stdio: 'ignore' });
  await measure(`synth ${DISTRICTS.toLocaleString('en')} districts / ${STATES.toLocaleString('en')} states / ${EVENTS.toLocaleString('en')} events (seed 1)`, synth);
} finally {
  rmSync(synth, { recursive: true, force: true });
}
