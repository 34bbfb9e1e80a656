// Fetches a period's events from /api/events.bin and hands them to the page as columns: typed
// arrays (moved, not copied) and the ids in one string, sorted by first day then id. The stream
// is already in columns (README, "The events of a period in binary"), so most of them are views
// of the bytes that came; only the days in ms and the places in Web Mercator are worked out.
// Doing it here keeps the fetch and the decompression off the page's thread, where they would
// hold up the slider's next frame.

const DAY = 86_400_000;
const MAGIC = 'FLEV';

self.onmessage = async ({ data: { id, url } }) => {
  try {
    const res = await fetch(url, { headers: { Accept: 'application/vnd.frontline.events' } });
    if (!res.ok) {
      let detail = res.statusText;
      try { detail = (await res.json()).detail ?? detail; } catch { /* not problem+json */ }
      throw new Error(`${new URL(url).pathname}: ${res.status} ${detail}`);
    }
    const batch = decode(await res.arrayBuffer());
    const moved = new Set(Object.values(batch).filter(ArrayBuffer.isView).map((a) => a.buffer));
    self.postMessage({ id, batch }, [...moved]);
  } catch (e) {
    self.postMessage({ id, error: e.message });
  }
};

/**
 * The columns of a stream: the ids, one after the other in `idText`, each ending at `idEnd`;
 * `start` and `end` (ms, the end day's end), `lon`/`lat`, `x`/`y` (Web Mercator, 0–1 as
 * MapLibre's MercatorCoordinate), `largest` (NaN: no figure), and `kind`, `grade`, `responsible`
 * as codes into `kinds`, `grades`, `sides` (`sides[0]` is null: no one).
 */
function decode(buffer) {
  const view = new DataView(buffer);
  const bytes = new Uint8Array(buffer);
  const text = new TextDecoder();
  if (text.decode(bytes.subarray(0, 4)) !== MAGIC || view.getUint16(4, true) !== 1) {
    throw new Error('/api/events.bin: not a version 1 events stream');
  }
  const n = view.getUint32(8, true);
  const idBytes = view.getUint32(12, true);
  let at = 16;
  const names = () => {
    const list = [];
    const k = view.getUint16(at, true);
    at += 2;
    for (let i = 0; i < k; i += 1) {
      const length = bytes[at];
      list.push(text.decode(bytes.subarray(at + 1, at + 1 + length)));
      at += 1 + length;
    }
    return list;
  };
  const [kinds, grades, sides] = [names(), names(), [null, ...names()]];
  at = Math.ceil(at / 8) * 8;
  const column = (Type) => {
    const out = new Type(buffer, at, n);
    at += n * Type.BYTES_PER_ELEMENT;
    return out;
  };
  const [lon, lat, largest] = [column(Float64Array), column(Float64Array), column(Float64Array)];
  const [first, last, idEnd] = [column(Int32Array), column(Int32Array), column(Uint32Array)];
  const [responsible, kind, grade] = [column(Uint16Array), column(Uint8Array), column(Uint8Array)];
  // Ids are ASCII (README): a byte offset is a character offset.
  const idText = text.decode(bytes.subarray(at, at + idBytes));
  const [start, end, x, y] = [0, 0, 0, 0].map(() => new Float64Array(n));
  for (let i = 0; i < n; i += 1) {
    start[i] = first[i] * DAY;
    end[i] = (last[i] + 1) * DAY;
    x[i] = (180 + lon[i]) / 360;
    y[i] = (180 - (180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (lat[i] * Math.PI) / 360))) / 360;
  }
  return {
    count: n, idEnd, start, end, lon, lat, x, y, largest, kind, grade, responsible,
    idText, kinds, grades, sides,
  };
}
