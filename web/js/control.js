// Every hand-over of every district, held in the browser as the server's binary state stream
// (/api/states.bin: time-sorted records of district, side before and side after), so the map can
// be repainted at any instant without a request. Moving the shown instant replays only the
// records between the old and the new one, forwards or backwards: a step costs what changed.
// Intervals are half-open [from, to); a record at t takes effect at t (the newer state wins).

/** A district's side at an instant: `unknown`, a faction id, or `contested:a+b`. */
export function sideKey(state) {
  if (!state) return 'unknown';
  if (state.status === 'held') return state.faction;
  return `contested:${[...state.factions].sort().join('+')}`;
}

const RECORD = 16;

/** Decodes the stream's header, contested table and records (layout in the README). */
export function decodeStream(buffer, factionIds) {
  const view = new DataView(buffer);
  const magic = String.fromCharCode(...new Uint8Array(buffer, 0, 4));
  if (magic !== 'FLSS' || view.getUint16(4, true) !== 1) throw new Error('/api/states.bin: not a version 1 state stream');
  const districts = view.getUint32(8, true);
  const factions = view.getUint32(12, true);
  const contested = view.getUint32(16, true);
  const count = view.getUint32(20, true);
  const revision = view.getFloat64(24, true);
  // Side codes: 0 unknown, 1 + j held by faction j, 1 + F + c the c-th contested side.
  const sides = [{ key: 'unknown', status: 'unknown', faction: '', factions: [] }];
  for (let j = 0; j < factions; j += 1) {
    sides.push({ key: factionIds[j], status: 'held', faction: factionIds[j], factions: [factionIds[j]] });
  }
  let at = 32;
  for (let c = 0; c < contested; c += 1) {
    const k = view.getUint16(at, true);
    const ids = [];
    for (let i = 0; i < k; i += 1) ids.push(factionIds[view.getUint16(at + 2 + 2 * i, true)]);
    at += 2 + 2 * k;
    sides.push({ key: `contested:${[...ids].sort().join('+')}`, status: 'contested', faction: '', factions: ids });
  }
  at = Math.ceil(at / 8) * 8;
  const times = new Float64Array(count);
  const district = new Uint32Array(count);
  const before = new Uint16Array(count);
  const after = new Uint16Array(count);
  for (let i = 0; i < count; i += 1, at += RECORD) {
    times[i] = view.getFloat64(at, true);
    district[i] = view.getUint32(at + 8, true);
    before[i] = view.getUint16(at + 12, true);
    after[i] = view.getUint16(at + 14, true);
  }
  return { districts, revision, sides, times, district, before, after };
}

export class ControlStates {
  /** @param {string[]} districtIds in stream order; @param {object} stream as decodeStream gives it */
  constructor(districtIds, stream) {
    this.ids = districtIds;
    this.load(stream);
  }

  /** Takes a new stream (after an edit); the cursor starts again before every record. */
  load(stream) {
    const districtIds = this.ids;
    this.sides = stream.sides;
    this.times = stream.times;
    this.district = stream.district;
    this.before = stream.before;
    this.after = stream.after;
    const n = districtIds.length;
    // Each district's own records (CSR): at(i, t) is a binary search in them.
    this.first = new Uint32Array(n + 1);
    for (const d of this.district) this.first[d + 1] += 1;
    for (let i = 0; i < n; i += 1) this.first[i + 1] += this.first[i];
    const fill = this.first.slice(0, n);
    this.own = new Uint32Array(this.times.length);
    for (let r = 0; r < this.times.length; r += 1) this.own[fill[this.district[r]]++] = r;
    // The replay cursor: records [0, next) are applied; `code` is each district's side now.
    this.code = new Uint16Array(n);
    this.next = 0;
  }

  /** The side code of district slot `i` at `t`: O(log k) for its k records. */
  codeAt(i, t) {
    let lo = this.first[i];
    let hi = this.first[i + 1];
    const end = hi;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[this.own[mid]] <= t) lo = mid + 1; else hi = mid;
    }
    if (lo > this.first[i]) return this.after[this.own[lo - 1]];
    return lo < end ? this.before[this.own[lo]] : 0;
  }

  /** The side of district slot `i` at `t`: {key, status, faction, factions}. */
  at(i, t) {
    return this.sides[this.codeAt(i, t)];
  }

  /** The side key of slot `i` at `t`. */
  keyAt(i, t) {
    return this.sides[this.codeAt(i, t)].key;
  }

  /**
   * Moves the cursor to `t` and returns the slots whose side changed since the last call (each
   * once), with `this.code` holding every district's side at `t`.
   */
  seek(t) {
    const touched = new Set();
    while (this.next < this.times.length && this.times[this.next] <= t) {
      this.code[this.district[this.next]] = this.after[this.next];
      touched.add(this.district[this.next]);
      this.next += 1;
    }
    while (this.next > 0 && this.times[this.next - 1] > t) {
      this.next -= 1;
      this.code[this.district[this.next]] = this.before[this.next];
      touched.add(this.district[this.next]);
    }
    return touched;
  }
}
