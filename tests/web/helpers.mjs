// Shared by the browser tests: start the real server on a free port with a fresh database seeded
// from a data set, and drive Debian's Chromium through playwright-core (never a downloaded browser).

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.FRONTLINE_BIN ?? path.join(ROOT, 'target/release/frontline');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
// WebGL in software: ANGLE on SwiftShader, as on a machine without a GPU.
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist', '--disable-quic', '--no-first-run',
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
    db: path.join(dir, 'test.db'),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => { if (child.exitCode !== null) r(); else child.once('exit', r); });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A new bearer token for `server`'s database (the CLI prints it last). */
export function createToken(server, name, role) {
  return execFileSync(BIN, ['token', 'create', '--db', server.db, '--name', name, '--role', role]).toString().trim().split('\n').at(-1);
}

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A page that fails the test on any script error; resolves once the map is drawn. */
export async function openMap(browser, url, viewport = { width: 1200, height: 800 }, prepare = async () => {}) {
  const page = await browser.newPage({ viewport });
  await prepare(page);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A style image the map could not load (a stripe pattern, an event icon) draws nothing: a
  // failure, though MapLibre only warns.
  page.on('console', (m) => {
    if (m.type() === 'error' || (m.type() === 'warning' && /^Image ".*" could not be loaded/.test(m.text()))) errors.push(m.text());
  });
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

/** What a district shows: its side as painted, the fill colour and the stripes set for it. */
export function districtLook(page, id) {
  return page.evaluate((d) => window.frontline.layer.look(d), id);
}

/** Resolves once the map has drawn what was last asked of it (tiles loaded, states applied). */
export function drawn(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const { map } = window.frontline;
    map.once('idle', () => resolve());
    map.triggerRepaint();
  }));
}

/** The colour on screen of a pixel read from the map's canvas (`rgba`, premultiplied, as WebGL
 * gives it): the canvas over the map's own background (`background`, a CSS colour), as the
 * browser composites them. */
export function onScreen(rgba, background) {
  const bg = background.match(/\d+/g).map(Number);
  const [r, g, b] = [0, 1, 2].map((i) => Math.round(rgba[i] + bg[i] * (1 - rgba[3] / 255)));
  return `rgb(${r}, ${g}, ${b})`;
}

/** The colour on screen at `lonLat` (an `rgb(r, g, b)` string), read from the WebGL canvas in
 * the frame it was drawn. */
export async function pixelAt(page, lonLat) {
  await drawn(page);
  const { rgba, background } = await page.evaluate((at) => new Promise((resolve) => {
    const { map } = window.frontline;
    map.once('render', () => {
      const canvas = map.getCanvas();
      const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
      const p = map.project(at);
      const ratio = canvas.width / canvas.clientWidth;
      const px = new Uint8Array(4);
      gl.readPixels(Math.round(p.x * ratio), Math.round(canvas.height - p.y * ratio), 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
      resolve({ rgba: [...px], background: getComputedStyle(map.getContainer()).backgroundColor });
    });
    map.triggerRepaint();
  }), lonLat);
  return onScreen(rgba, background);
}

/** Where district `id`'s name anchor is on the page, in CSS pixels. */
export function districtPoint(page, id) {
  return page.evaluate((d) => {
    const { map, layer } = window.frontline;
    const p = map.project(layer.anchor[layer.slotOf.get(d)]);
    const box = map.getCanvas().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, id);
}

/** Clicks district `id` on the map, at its name anchor (centring the map on it first when it is
 * out of view, as a user would pan to it). */
export async function clickDistrict(page, id) {
  await page.evaluate((d) => {
    const { map, layer } = window.frontline;
    const at = layer.anchor[layer.slotOf.get(d)];
    const p = map.project(at);
    const c = map.getCanvas();
    if (p.x < 20 || p.y < 20 || p.x > c.clientWidth - 20 || p.y > c.clientHeight - 20) map.jumpTo({ center: at });
  }, id);
  await drawn(page);
  const p = await districtPoint(page, id);
  await page.mouse.click(p.x, p.y);
}

/** The borders drawn as front line now, as `a|b` district id pairs. */
export function frontShown(page) {
  return page.evaluate(() => window.frontline.front.pairsShown(window.frontline.layer.ids));
}

/** The colour `hex` takes at `opacity` over `ground` (both `#rrggbb`), as `[r, g, b]`. */
export function blend(hex, opacity, ground) {
  const c = (h) => { const n = parseInt(h.slice(1), 16); return [(n >> 16) & 255, (n >> 8) & 255, n & 255]; };
  const [a, g] = [c(hex), c(ground)];
  return a.map((v, i) => Math.round(v * opacity + g[i] * (1 - opacity)));
}

/** Which of `candidates` ({name: [r, g, b]}) `rgbText` is nearest to. */
export function nearest(rgbText, candidates) {
  const got = rgbText.match(/\d+/g).map(Number);
  let best = null;
  let bestD = Infinity;
  for (const [name, c] of Object.entries(candidates)) {
    const d = c.reduce((sum, v, i) => sum + (v - got[i]) ** 2, 0);
    if (d < bestD) { bestD = d; best = name; }
  }
  return best;
}

/** `#rrggbb` as the `rgb(r, g, b)` a computed style gives. */
export function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}
