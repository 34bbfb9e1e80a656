// The page names every module it loads in <link rel="modulepreload">, so the browser fetches them
// all at once instead of one level of imports after another: the list must hold each module
// main.js reaches by its static imports, and nothing else.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers.mjs';

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
