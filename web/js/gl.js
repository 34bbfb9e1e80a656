// The map library, MapLibre GL JS (npm `maplibre-gl`, BSD-3-Clause), served by our own server from
// web/node_modules: nothing loads from outside. Its worker is fetched beside it.

export * from '/vendor/maplibre-gl/maplibre-gl.mjs';
