// Shared by the browser tests: start the real server on a free port with a fresh database seeded
// from a data set, and drive Debian's Chromium through playwright-core (never a downloaded browser).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.FRONTLINE_BIN ?? path.join(ROOT, 'target/release/frontline');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `frontline serve` on a fresh temp db seeded from `dataDir`; resolves once /api/meta answers. */
export async function startServer(dataDir = path.join(ROOT, 'data/mosul'), extraArgs = []) {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'frontline-web-'));
  const child = spawn(BIN, ['serve', '--db', path.join(dir, 'test.db'), '--seed-data', dataDir,
    '--web', path.join(ROOT, 'web'), '--listen', `127.0.0.1:${port}`, ...extraArgs],
  { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${log}`);
    try {
      const res = await fetch(`${url}/api/meta`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill(); throw new Error(`server did not start:\n${log}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => { if (child.exitCode !== null) r(); else child.once('exit', r); });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A page that fails the test on any script error; resolves once the map is drawn. */
export async function openMap(browser, url, viewport = { width: 1200, height: 800 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.errors = errors;
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 30_000 });
  return page;
}

/** The shown date (YYYY-MM-DD) as the date field holds it. */
export const shownDate = (page) => page.inputValue('#date');

/** Sets the date through the date field, as a user would. */
export async function setDate(page, date) {
  await page.fill('#date', date);
  await page.dispatchEvent('#date', 'change');
  await page.waitForFunction((d) => document.body.dataset.date?.startsWith(d), date);
}

/** What a district's path shows: status attributes and the computed fill. */
export function districtLook(page, id) {
  return page.$eval(`path[data-district="${id}"]`, (p) => ({
    status: p.dataset.status,
    faction: p.dataset.faction,
    factions: p.dataset.factions.split(' ').filter(Boolean),
    fill: getComputedStyle(p).fill,
  }));
}

/** `#rrggbb` as the `rgb(r, g, b)` a computed style gives. */
export function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}
