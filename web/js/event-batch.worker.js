// Fetches a period's events from /api/events and hands them to the page as columns: typed arrays
// (moved, not copied) and the ids in one string, sorted by first day then id. A month of a large data set is a
// few thousand GeoJSON features; parsing them and making an object of each here keeps that work
// off the page's thread, where it would hold up the slider's next frame.

const DAY = 86_400_000;

self.onmessage = async ({ data: { id, url } }) => {
  try {
    const res = await fetch(url, { headers: { Accept: 'application/json' } });
    if (!res.ok) {
      let detail = res.statusText;
      try { detail = (await res.json()).detail ?? detail; } catch { /* not problem+json */ }
      throw new Error(`${new URL(url).pathname}: ${res.status} ${detail}`);
    }
    const body = await res.json();
    const batch = columns(body.features);
    const moved = Object.values(batch).filter(ArrayBuffer.isView).map((a) => a.buffer);
    self.postMessage({ id, batch, sources: body.sources ?? {} }, moved);
  } catch (e) {
    self.postMessage({ id, error: e.message });
  }
};

/** A code for each distinct value, in order of first use; `null` (no value) is code 0. */
class Codes {
  constructor() {
    this.values = [null];
    this.codes = new Map();
  }

  of(value) {
    if (value === null || value === undefined) return 0;
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.codes.set(value, code);
      this.values.push(value);
    }
    return code;
  }
}

/**
 * The features' columns in order of first day, then id: the ids, one after the other in
 * `idText`, each ending at `idEnd`; `start` and `end` (ms, the end day's
 * end), `lon`/`lat`, `x`/`y` (Web Mercator, 0–1 as MapLibre's MercatorCoordinate), `largest`
 * (NaN: no figure), and `kind`, `grade`, `responsible` as codes into `kinds`, `grades`, `sides`.
 */
function columns(features) {
  const n = features.length;
  const starts = features.map((f) => Date.parse(`${f.properties.date_start}T00:00:00Z`));
  const order = features.map((_, k) => k).sort((a, b) => starts[a] - starts[b] || (features[a].id < features[b].id ? -1 : 1));
  const [kinds, grades, sides] = [new Codes(), new Codes(), new Codes()];
  const out = {
    count: n, idEnd: new Uint32Array(n), start: new Float64Array(n), end: new Float64Array(n),
    lon: new Float64Array(n), lat: new Float64Array(n), x: new Float64Array(n), y: new Float64Array(n),
    largest: new Float64Array(n), kind: new Uint16Array(n), grade: new Uint16Array(n), responsible: new Uint16Array(n),
  };
  const ids = new Array(n);
  let length = 0;
  order.forEach((k, i) => {
    const f = features[k];
    const p = f.properties;
    const [lon, lat] = f.geometry.coordinates;
    ids[i] = f.id;
    length += f.id.length;
    out.idEnd[i] = length;
    out.start[i] = starts[k];
    out.end[i] = Date.parse(`${p.date_end}T00:00:00Z`) + DAY;
    out.lon[i] = lon;
    out.lat[i] = lat;
    out.x[i] = (180 + lon) / 360;
    out.y[i] = (180 - (180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))) / 360;
    out.largest[i] = p.largest ?? NaN;
    out.kind[i] = kinds.of(p.kind);
    out.grade[i] = grades.of(p.grade);
    out.responsible[i] = sides.of(p.responsible);
  });
  // One string of every id and where each ends: a few thousand strings are slow to hand over.
  return { ...out, idText: ids.join(''), kinds: kinds.values, grades: grades.values, sides: sides.values };
}
