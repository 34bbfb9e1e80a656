// Measures the map's speed in headless Chromium: slider input → repainted map (ms per step), and
// page load → first map. Not part of the test run: `node tests/web/bench.mjs`.
// Steps are deterministic: 60 evenly spaced slider positions across the whole range, twice.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, launchBrowser, startServer } from './helpers.mjs';

const BIN = process.env.FRONTLINE_BIN ?? path.join(ROOT, 'target/release/frontline');
const STEPS = 60;

const quantile = (xs, q) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function measure(label, dataDir) {
  const server = await startServer(dataDir);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const loads = [];
    let phases;
    for (let i = 0; i < 3; i += 1) {
      await page.goto(`${server.url}/?run=${i}`);
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 60_000 });
      loads.push(await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => {
        resolve(performance.getEntriesByName('frontline:first-map')[0].startTime);
      }))));
      phases = await page.evaluate(() => ['data', 'districts', 'states', 'borders', 'first-map']
        .map((n) => `${n} ${performance.getEntriesByName(`frontline:${n}`)[0].startTime.toFixed(0)}`).join(', '));
    }
    const steps = await page.evaluate(async (n) => {
      const slider = document.getElementById('slider');
      const [min, max] = [Number(slider.min), Number(slider.max)];
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const script = [];
      const painted = [];
      for (let round = 0; round < 2; round += 1) {
        for (let i = 0; i <= n; i += 1) {
          await frame();
          const t0 = performance.now();
          slider.value = String(min + ((max - min) * i) / n);
          slider.dispatchEvent(new Event('input', { bubbles: true }));
          script.push(performance.now() - t0);
          await frame();
          painted.push(performance.now() - t0);
        }
      }
      return { script, painted };
    }, STEPS);
    const fmt = (xs) => `median ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;
    console.log(`${label}:`);
    console.log(`  load → first map: ${loads.map((x) => x.toFixed(0)).join(', ')} ms (cold, warm, warm)`);
    console.log(`  load phases of the last run (ms since navigation): ${phases}`);
    console.log(`  slider input → map updated (script): ${fmt(steps.script)}`);
    console.log(`  slider input → next frame painted:   ${fmt(steps.painted)}`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

await measure('Mosul (data/mosul)', path.join(ROOT, 'data/mosul'));
const synth = mkdtempSync(path.join(tmpdir(), 'frontline-synth-'));
try {
  execFileSync(BIN, ['synth', '--districts', '5000', '--states', '100000', '--seed', '1', synth], { stdio: 'ignore' });
  await measure('synth 5,000 districts / 100,000 states (seed 1)', synth);
} finally {
  rmSync(synth, { recursive: true, force: true });
}
