// The deepest tile zoom the map may be drawing: a feature of the outline tiles that only tiles
// deeper than it carry (a district zoomed out is part of a group; the borders between districts
// are drawn from the block levels' last zoom on) is not drawn, and its feature state can wait.
// At 50,000 districts, zoomed out on the whole, none of the thousands of districts a slider
// step hands over is drawn, and writing their state cost MapLibre about 10 ms a step.
//
// Why this is exact: the map draws the tiles of its zoom (floor: 512-px tiles) and, while they
// load, tiles it already has: lower ones (from its cache, given the feature state it holds) and
// deeper ones it drew before. So the deepest zoom drawn rises only with a zoom event, which
// MapLibre fires before it picks the frame's tiles, and falls to the zoom in view once the map is
// idle, with every tile in view loaded. A component that waits writes what it held back when
// this rises past its features' zoom, in the zoom event, before the frame is drawn.

export class DrawnZoom {
  /** @param {maplibregl.Map} map */
  constructor(map) {
    this.deepest = Math.floor(map.getZoom());
    this.listeners = [];
    map.on('zoom', () => {
      const z = Math.floor(map.getZoom());
      if (z <= this.deepest) return;
      this.deepest = z;
      for (const f of this.listeners) f(z);
    });
    map.on('idle', () => { this.deepest = Math.floor(map.getZoom()); });
  }

  /** Whether tiles of zoom `z` or deeper may be drawn now. */
  drawn(z) {
    return z <= this.deepest;
  }

  /** Calls `f(deepest)` whenever the deepest zoom drawn rises. */
  onDeeper(f) {
    this.listeners.push(f);
  }
}
