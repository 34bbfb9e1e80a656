// The page names every module it loads in <link rel="modulepreload">, so the browser fetches them
// all at once instead of one level of imports after another: the list must hold each module
// main.js reaches by its static imports, and nothing else. What the page waits for before it is
// ready is asked for with its first reads, once.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT, launchBrowser, openMap, startServer } from './helpers.mjs';

const WEB = path.join(ROOT, 'web');

/** The server path of each module reached from `start` (a server path) by static imports. */
function reached(start) {
  const seen = new Set();
  const visit = (url) => {
    if (seen.has(url)) return;
    seen.add(url);
    // The map library is served from web/node_modules; it is one file.
    if (url.startsWith('/vendor/')) return;
    const source = readFileSync(path.join(WEB, url), 'utf8');
    for (const [, spec] of source.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gms)) {
      visit(new URL(spec, `http://page${url}`).pathname);
    }
  };
  visit(start);
  seen.delete(start);
  return seen;
}

test('every module the page imports is preloaded, and only those', () => {
  const html = readFileSync(path.join(WEB, 'index.html'), 'utf8');
  const preloaded = new Set([...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)]
    .map(([, href]) => new URL(href, 'http://page/').pathname));
  const main = html.match(/<script type="module" src="([^"]+)">/)[1];
  const needed = reached(new URL(main, 'http://page/').pathname);
  assert.ok(needed.size > 20, `main.js reaches ${needed.size} modules`);
  assert.deepEqual([...needed].filter((m) => !preloaded.has(m)).sort(), [], 'imported but not preloaded');
  assert.deepEqual([...preloaded].filter((m) => !needed.has(m)).sort(), [], 'preloaded but not imported');
});

test('the opening region\'s areas and the context layers are asked for with the first reads, once each', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const page = await openMap(browser, server.url);
    const { data, asked } = await page.evaluate(() => ({
      data: performance.getEntriesByName('frontline:data')[0].startTime,
      asked: performance.getEntriesByType('resource').map((e) => [new URL(e.name).pathname + new URL(e.name).search, e.startTime]),
    }));
    const meta = await (await fetch(`${server.url}/api/meta`)).json();
    const early = [`/api/stats/area?region=${meta.main_region}`, ...meta.layers.filter((l) => l.kind !== 'locator').map((l) => l.url)];
    assert.ok(early.length >= 4, `Mosul's main region and context layers: ${early}`);
    for (const path of early) {
      const times = asked.filter(([p]) => p === path).map(([, t]) => t);
      assert.equal(times.length, 1, `${path} asked for once`);
      assert.ok(times[0] < data, `${path} asked for at ${times[0].toFixed(0)} ms, before the data were in (${data.toFixed(0)} ms)`);
    }
  } finally {
    await browser.close();
    await server.stop();
  }
});
