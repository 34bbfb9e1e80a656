// The district list the map starts from: /api/districts.bin (layout in the README), each
// district's box, label point, area and names, in the order of the state stream and the tiles'
// feature ids. Under a third of the GeoJSON list's bytes, decoded without building an object per
// district.

const UNITS = 1e6;
/** The other names of the many districts that have none: one array, shared. */
const NONE = Object.freeze([]);

/**
 * Decodes /api/districts.bin into columns by district slot: `ids`, `names`, `altNames` (arrays),
 * `area` (km²), `bbox` ([w, s, e, n]) and `anchor` ([lon, lat], where the name goes).
 */
export function decodeDistricts(buffer) {
  const view = new DataView(buffer);
  const magic = String.fromCharCode(...new Uint8Array(buffer, 0, 4));
  if (magic !== 'FLDL' || view.getUint16(4, true) !== 1) throw new Error('/api/districts.bin: not a version 1 district table');
  const count = view.getUint32(8, true);
  const textLength = view.getUint32(12, true);
  const boxes = new Int32Array(buffer, 16, 4 * count);
  const labels = new Int32Array(buffer, 16 + 16 * count, 2 * count);
  const areas = new Float32Array(buffer, 16 + 24 * count, count);
  const alts = new Uint16Array(buffer, 16 + 28 * count, count);
  const textAt = 16 + 28 * count + Math.ceil((2 * count) / 4) * 4;
  const text = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, textAt, textLength)));
  const ids = new Array(count);
  const names = new Array(count);
  const altNames = new Array(count);
  const bbox = new Array(count);
  const anchor = new Array(count);
  const area = Array.from(areas);
  let at = 0;
  for (let i = 0; i < count; i += 1) {
    ids[i] = text[at];
    names[i] = text[at + 1];
    altNames[i] = alts[i] ? text.slice(at + 2, at + 2 + alts[i]) : NONE;
    at += 2 + alts[i];
    const b = 4 * i;
    bbox[i] = [boxes[b] / UNITS, boxes[b + 1] / UNITS, boxes[b + 2] / UNITS, boxes[b + 3] / UNITS];
    anchor[i] = [labels[2 * i] / UNITS, labels[2 * i + 1] / UNITS];
  }
  if (at !== text.length) throw new Error(`/api/districts.bin: ${text.length} names for ${at} expected`);
  return { ids, names, altNames, area, bbox, anchor };
}
