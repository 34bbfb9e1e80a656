// The map library, MapLibre GL JS (npm `maplibre-gl`, BSD-3-Clause), served by our own server from
// web/node_modules: nothing loads from outside. Its worker is fetched beside it.

export * from '/vendor/maplibre-gl/maplibre-gl.mjs';

/**
 * Stops `map` drawing a sky nobody sees. MapLibre draws its sky, a quad over the whole canvas
 * with a fragment program of its own, on every frame, even for a style without a sky (it is then
 * transparent) and a map never pitched (the sky lies above the horizon, off the canvas). Drawn
 * in software (SwiftShader, a machine without a GPU) that quad costs 20–35 ms a frame at
 * 1280 × 720, and the first frame also compiles its program. This map cannot be pitched and
 * its style has no sky, so the draw is skipped while the pitch is 0.
 * The painter is MapLibre's own (not public API): if a later version changes it, nothing is
 * skipped and the map draws as before. A restored WebGL context gets a new painter.
 */
export function skipHiddenSky(map) {
  const patch = () => {
    const painter = map.painter;
    const draw = painter?.drawFunctions;
    if (typeof draw?.sky !== 'function' || draw.sky.hiddenSkipped) return;
    const sky = draw.sky;
    const skipping = (...args) => { if (map.getPitch() > 0) sky(...args); };
    skipping.hiddenSkipped = true;
    // The draw functions are shared by every map of the page: this map gets its own.
    painter.drawFunctions = { ...draw, sky: skipping };
  };
  patch();
  map.on('webglcontextrestored', patch);
}
