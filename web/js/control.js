// Every control state of every district, held in the browser so the map can be repainted at any
// instant without a request. Intervals are half-open [from, to); the newer state wins at a
// hand-over instant.

import { lastAtOrBefore } from './time.js';

/** A district's side at an instant: `unknown`, a faction id, or `contested:a+b`. */
export function sideKey(state) {
  if (!state) return 'unknown';
  if (state.status === 'held') return state.faction;
  return `contested:${[...state.factions].sort().join('+')}`;
}

export class ControlStates {
  /** @param {string[]} districtIds in map order; @param {object[]} states as /api/states gives them */
  constructor(districtIds, states) {
    this.ids = districtIds;
    const slot = new Map(districtIds.map((id, i) => [id, i]));
    this.byDistrict = districtIds.map(() => []);
    for (const s of states) {
      const i = slot.get(s.district);
      if (i === undefined) continue;
      this.byDistrict[i].push({
        from: Date.parse(s.valid_from),
        to: s.valid_to ? Date.parse(s.valid_to) : Infinity,
        status: s.status,
        faction: s.faction,
        factions: s.factions,
        confidence: s.confidence,
        key: sideKey(s),
      });
    }
    for (const list of this.byDistrict) list.sort((a, b) => a.from - b.from);
  }

  /** The state of district slot `i` at `t`, or null when unknown. O(log k) for k states, the
   * same rule as the server's `Index::state_at`: the last state starting at or before `t`. */
  at(i, t) {
    const list = this.byDistrict[i];
    const k = lastAtOrBefore(list, t, (s) => s.from);
    return k >= 0 && list[k].to > t ? list[k] : null;
  }

  /** States of every district at `t`, by slot. */
  snapshot(t) {
    const out = new Array(this.ids.length);
    for (let i = 0; i < out.length; i += 1) out[i] = this.at(i, t);
    return out;
  }
}
