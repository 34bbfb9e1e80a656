// The map zoomed out, where most districts are a few pixels wide: the outline tiles carry
// blocks there (up to /api/blocks.bin's last zoom). A district wide enough on screen is its own
// block, with its own id, and is painted as it is further in; the others are grouped by the
// cell their label falls in, and a group is painted in the side holding most of its area. The
// front line runs between blocks of hostile sides. Ids and layout are in the README.

import { SOURCE, FRONT_ZONE_FILL } from './map-layer.js';

const GROUP_BASE = 2 ** 40;
const BORDER_LEVEL = 2 ** 32;

/** Decodes /api/blocks.bin: each district's first zoom alone and its cell at the last zoom. */
export function decodeBlocks(buffer) {
  const view = new DataView(buffer);
  const magic = String.fromCharCode(...new Uint8Array(buffer, 0, 4));
  if (magic !== 'FLBK' || view.getUint16(4, true) !== 1) throw new Error('/api/blocks.bin: not a version 1 block table');
  const last = view.getUint8(6);
  const count = view.getUint32(8, true);
  const soloFrom = new Uint8Array(buffer, 12, count);
  const cells = new Uint16Array(buffer.slice(12 + count, 12 + count + 4 * count));
  return { last, count, soloFrom, cells };
}

/** District `slot`'s block id at zoom `z` (at most the table's last zoom). */
export function blockOf(table, slot, z) {
  if (table.soloFrom[slot] <= z) return slot;
  const shift = table.last - z;
  const x = table.cells[2 * slot] >> shift;
  const y = table.cells[2 * slot + 1] >> shift;
  return GROUP_BASE + z * BORDER_LEVEL + y * 65536 + x;
}

export class Blocks {
  /**
   * @param {maplibregl.Map} map
   * @param {ReturnType<typeof decodeBlocks>} table
   * @param {import('./map-layer.js').DistrictLayer} layer the districts, painted first
   * @param {{count:number,pairs:Uint32Array}} borders as decodeBorders gives it
   * @param {import('./front-line.js').FrontLine} front whose rule says which sides are hostile
   */
  constructor(map, table, layer, borders, front) {
    this.map = map;
    this.table = table;
    this.layer = layer;
    this.borders = borders;
    this.front = front;
    /** Built on first sight of a zoom (and the zooms beside it), then kept up to date. */
    this.levels = new Array(table.last + 1).fill(null);
    this.gains = null;
    this.waiting = false;
    // The zoom in view at once; the ones beside it (whose tiles stand in while others load)
    // once the map is idle and the browser has time to spare, so zooming in or out costs
    // nothing and the map in view is drawn first: each level's paint sets the state of all its
    // blocks, and the map draws again for it.
    const build = (k) => { if (k >= 0 && k <= table.last) this.level(k); };
    const spare = window.requestIdleCallback ?? ((f) => setTimeout(f, 0));
    const around = () => {
      const z = Math.floor(map.getZoom());
      build(z);
      if (this.waiting) return;
      this.waiting = true;
      map.once('idle', () => spare(() => {
        this.waiting = false;
        const now = Math.floor(map.getZoom());
        build(now - 1);
        build(now + 1);
      }, { timeout: 2000 }));
    };
    around();
    map.on('zoom', around);
    // A level's groups are drawn only by its zoom's tiles: while the map draws none as deep,
    // its changes wait, and are followed before the map draws it.
    layer.zoom.onDeeper(() => {
      for (const level of this.levels) if (level && layer.zoom.drawn(level.z)) this.settle(level);
    });
  }

  /** The blocks of zoom `z`, built and painted on first use. */
  level(z) {
    if (this.levels[z]) return this.levels[z];
    const n = this.table.count;
    const index = new Map();
    const ids = [];
    const members = [];
    const blockOfSlot = new Int32Array(n);
    for (let slot = 0; slot < n; slot += 1) {
      const id = blockOf(this.table, slot, z);
      let k = index.get(id);
      if (k === undefined) {
        k = ids.length;
        index.set(id, k);
        ids.push(id);
        members.push([]);
      }
      blockOfSlot[slot] = k;
      members[k].push(slot);
    }
    // Each pair of blocks' border is named after its first district border.
    const pairs = this.borders.pairs;
    const named = new Map();
    const borderA = [];
    const borderB = [];
    const borderIds = [];
    const touching = ids.map(() => []);
    for (let i = 0; i < this.borders.count; i += 1) {
      const a = blockOfSlot[pairs[2 * i]];
      const b = blockOfSlot[pairs[2 * i + 1]];
      if (a === b) continue;
      const key = Math.min(a, b) * ids.length + Math.max(a, b);
      if (named.has(key)) continue;
      named.set(key, borderIds.length);
      touching[a].push(borderIds.length);
      touching[b].push(borderIds.length);
      borderA.push(a);
      borderB.push(b);
      borderIds.push((z + 1) * BORDER_LEVEL + i);
    }
    const level = {
      z, ids, index, members, blockOfSlot, touching, borderA, borderB, borderIds,
      area: ids.map(() => new Map()),
      keys: ids.map(() => ''),
      shown: new Uint8Array(borderIds.length),
      gained: ids.map(() => null),
      /** The districts whose side changed while the level was not drawn: their side before. */
      pending: new Map(),
    };
    this.levels[z] = level;
    const keys = this.layer.keys;
    for (let k = 0; k < ids.length; k += 1) {
      if (ids[k] < GROUP_BASE) continue;
      for (const slot of members[k]) add(level.area[k], keys[slot], this.weight(slot));
    }
    this.repaint(level, ids.map((_, k) => k));
    if (this.gains) this.showGains(level);
    return level;
  }

  weight(slot) {
    return this.layer.area[slot] || 1e-9;
  }

  /** Follows the districts in `changedSlots` whose side changed from `before` (a Map by slot). */
  update(changedSlots, before) {
    for (const level of this.levels) {
      if (!level) continue;
      if (this.layer.zoom.drawn(level.z)) {
        this.follow(level, changedSlots, before);
        continue;
      }
      for (const slot of changedSlots) if (!level.pending.has(slot)) level.pending.set(slot, before.get(slot));
    }
  }

  /** Follows the changes held back for `level`. */
  settle(level) {
    if (!level.pending.size) return;
    const before = level.pending;
    level.pending = new Map();
    this.follow(level, before.keys(), before);
  }

  /** Moves the areas of the districts in `slots` from their side in `before` to their side now,
   * and repaints the blocks they are in. */
  follow(level, slots, before) {
    const keys = this.layer.keys;
    const touched = new Set();
    for (const slot of slots) {
      const k = level.blockOfSlot[slot];
      if (level.ids[k] >= GROUP_BASE) {
        add(level.area[k], before.get(slot), -this.weight(slot));
        add(level.area[k], keys[slot], this.weight(slot));
      }
      touched.add(k);
    }
    this.repaint(level, touched);
  }

  /** Sets the colour of the groups among `blocks` whose side changed, and the borders beside them. */
  repaint(level, blocks) {
    const changed = [];
    for (const k of blocks) {
      const key = level.ids[k] < GROUP_BASE ? this.layer.keys[level.ids[k]] : majority(level.area[k]);
      if (key === level.keys[k]) continue;
      level.keys[k] = key;
      changed.push(k);
      if (level.ids[k] < GROUP_BASE) continue;
      // Groups are drawn only where stripes would not read: contested ones in the front zone's fill.
      this.map.setFeatureState(this.feature(level.ids[k]), {
        drawn: key.startsWith('contested:') ? FRONT_ZONE_FILL : this.layer.fillOf(key),
        fill: this.layer.fillOf(key),
        stripes: '',
      });
    }
    for (const k of changed) {
      for (const u of level.touching[k]) {
        const front = this.front.hostile(level.keys[level.borderA[u]], level.keys[level.borderB[u]]) ? 1 : 0;
        if (front === level.shown[u]) continue;
        level.shown[u] = front;
        this.map.setFeatureState({ source: SOURCE, sourceLayer: 'borders', id: level.borderIds[u] }, { front: front === 1 });
      }
    }
  }

  feature(id) {
    return { source: SOURCE, sourceLayer: 'districts', id };
  }

  /** Outlines the groups that changed hands while comparing, in the colour of the side that
   * gained most of their area; `gains` as DistrictLayer.showChanges takes it. */
  showChanges(gains) {
    this.gains = gains;
    for (const level of this.levels) if (level) this.showGains(level);
  }

  showGains(level) {
    for (let k = 0; k < level.ids.length; k += 1) {
      if (level.ids[k] < GROUP_BASE) continue;
      let gained = null;
      if (this.gains) {
        const won = new Map();
        for (const slot of level.members[k]) if (this.gains[slot]) add(won, this.gains[slot], this.weight(slot));
        gained = won.size ? majority(won) : null;
      }
      if (gained === level.gained[k]) continue;
      level.gained[k] = gained;
      this.map.setFeatureState(this.feature(level.ids[k]), { gain: this.layer.gainColour(gained) });
    }
  }

  /** The group ids district `slot` is drawn in, at every zoom with groups. */
  groupsOf(slot) {
    const out = [];
    for (let z = 0; z < this.table.soloFrom[slot] && z <= this.table.last; z += 1) out.push(blockOf(this.table, slot, z));
    return out;
  }

  /** The group at the map's zoom with id `id`, if built: its level and position. */
  find(id) {
    const z = Math.floor((id - GROUP_BASE) / BORDER_LEVEL);
    const level = this.levels[z];
    if (!level) return null;
    const k = level.index.get(id);
    return k === undefined ? null : { level, k };
  }

  /** The district of group `id` whose label is nearest `lngLat`, for a click on the group. */
  pick(id, lngLat) {
    const found = this.find(id);
    if (!found) return null;
    let best = null;
    let bestDistance = Infinity;
    for (const slot of found.level.members[found.k]) {
      const [x, y] = this.layer.anchor[slot];
      const d = Math.hypot(x - lngLat.lng, y - lngLat.lat);
      if (d < bestDistance) [best, bestDistance] = [slot, d];
    }
    return best;
  }

  /** What a group's tooltip says: how many districts it draws, and the side holding most. */
  tip(id) {
    const found = this.find(id);
    if (!found) return '';
    const n = found.level.members[found.k].length;
    return `<strong>${n} district${n === 1 ? '' : 's'}</strong> (zoom in to tell them apart)<br>mostly ${this.layer.palette.labelOf(found.level.keys[found.k])}`;
  }

  /** By group id at zoom `z`, the side painted: for tests and tools. */
  painted(z) {
    const level = this.level(z);
    const out = new Map();
    level.ids.forEach((id, k) => { if (id >= GROUP_BASE) out.set(id, level.keys[k]); });
    return out;
  }
}

function add(sums, key, area) {
  sums.set(key, (sums.get(key) ?? 0) + area);
}

/** The key with the largest sum (ties to the first in sort order). */
function majority(sums) {
  let best = 'unknown';
  let most = -Infinity;
  for (const [key, area] of sums) {
    if (area > most + 1e-12 || (Math.abs(area - most) <= 1e-12 && key < best)) [best, most] = [key, area];
  }
  return best;
}
