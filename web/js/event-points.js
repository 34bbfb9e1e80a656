// The events' and camps' own WebGL layer (a MapLibre custom layer). The map's GeoJSON sources
// re-tile, re-place and re-upload on any change of their data, which costs software WebGL 40 to
// 150 ms a frame; this layer holds one small buffer of what is drawn (the window's events,
// clusters, camps: a few thousand records at most) and replaces it whole when that changes, so a
// step of the slider costs what it draws. Each record is a circle with an outline and a white
// halo, and a pictogram from one texture of every kind and cluster count, drawn as a quad in CSS
// pixels around its point. The quads are plain triangles, four vertices a record, not instances
// of one quad: software WebGL (SwiftShader) draws each instance as a draw of its own, which cost
// 13 ms a frame for 167 clusters.

import { drawKind, KINDS } from './event-icons.js';

/** Clusters of this many events or more read "100+". */
export const MAX_COUNT = 100;
/** One texture cell, canvas pixels (pictograms are drawn at twice their CSS size). */
const CELL = 48;
const COLUMNS = 16;
/** Floats per record: position (2), fill (4), outline colour and width (4), radius, halo,
 * opacity and pictogram cell (4), pictogram size (1) and one unused. */
const FLOATS = 16;
/** Floats per vertex: the quad's corner (2), then its record's. */
const VERTEX_FLOATS = 2 + FLOATS;
const CORNERS = [[-1, -1], [1, -1], [-1, 1], [1, 1]];

const VERTEX = `#version 300 es
precision highp float;
uniform mat4 u_matrix;
uniform vec2 u_viewport;
in vec2 a_corner;
in vec2 a_pos;
in vec4 a_fill;
in vec4 a_stroke;
in vec4 a_shape;
in float a_icon;
out vec2 v_px;
out vec4 v_fill;
out vec4 v_stroke;
out vec4 v_shape;
out float v_icon;
void main() {
  float extent = max(a_shape.x + a_stroke.w + a_shape.y, a_icon * 0.5) + 1.0;
  vec4 p = u_matrix * vec4(a_pos, 0.0, 1.0);
  p.xy += a_corner * extent * 2.0 / u_viewport * p.w;
  gl_Position = p;
  v_px = a_corner * extent;
  v_fill = a_fill;
  v_stroke = a_stroke;
  v_shape = a_shape;
  v_icon = a_icon;
}`;

const FRAGMENT = `#version 300 es
precision mediump float;
uniform sampler2D u_atlas;
uniform vec2 u_cells;
uniform float u_aa;
in vec2 v_px;
in vec4 v_fill;
in vec4 v_stroke;
in vec4 v_shape;
in float v_icon;
out vec4 colour;
float cover(float radius, float d) { return clamp((radius - d) / u_aa + 0.5, 0.0, 1.0); }
void main() {
  float d = length(v_px);
  float r = v_shape.x;
  vec4 c = vec4(0.0);
  if (r > 0.0) {
    if (v_shape.y > 0.0) c = vec4(1.0) * cover(r + v_stroke.w + v_shape.y, d);
    if (v_stroke.w > 0.0) c = mix(c, vec4(v_stroke.rgb, 1.0), cover(r + v_stroke.w, d));
    float f = v_fill.a * cover(r, d);
    c = vec4(v_fill.rgb, 1.0) * f + c * (1.0 - f);
  }
  if (v_shape.w >= 0.0) {
    vec2 uv = vec2(0.5 + v_px.x / v_icon, 0.5 - v_px.y / v_icon);
    if (uv.x >= 0.0 && uv.x <= 1.0 && uv.y >= 0.0 && uv.y <= 1.0) {
      vec2 cell = vec2(mod(v_shape.w, u_cells.x), floor(v_shape.w / u_cells.x));
      vec4 t = texture(u_atlas, (cell + clamp(uv, 0.02, 0.98)) / u_cells);
      c = t + c * (1.0 - t.a);
    }
  }
  colour = c * v_shape.z;
}`;

/** The texture cell of each pictogram: the kinds, then the counts 2 … MAX_COUNT − 1, then
 * "MAX_COUNT+". */
export const CELLS = new Map([
  ...KINDS.map((k, i) => [`kind-${k}`, i]),
  ...Array.from({ length: MAX_COUNT - 2 }, (_, i) => [`count-${i + 2}`, KINDS.length + i]),
  ['count-many', KINDS.length + MAX_COUNT - 2],
]);

/** `#rgb` or `#rrggbb` as [r, g, b] in 0 … 1. */
export function rgbOf(hex) {
  const h = hex.length === 4 ? [...hex.slice(1)].map((x) => x + x).join('') : hex.slice(1, 7);
  const n = parseInt(h, 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

export class EventPoints {
  constructor(id) {
    this.id = id;
    this.type = 'custom';
    this.renderingMode = '2d';
    this.count = 0;
    this.data = new Float32Array(0);
    this.origin = [0, 0];
    this.dirty = false;
  }

  onAdd(map, gl) {
    this.map = map;
    const program = gl.createProgram();
    for (const [type, source] of [[gl.VERTEX_SHADER, VERTEX], [gl.FRAGMENT_SHADER, FRAGMENT]]) {
      const shader = gl.createShader(type);
      gl.shaderSource(shader, source);
      gl.compileShader(shader);
      if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`event shader: ${gl.getShaderInfoLog(shader)}`);
      gl.attachShader(program, shader);
    }
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`event program: ${gl.getProgramInfoLog(program)}`);
    this.program = program;
    this.uniforms = Object.fromEntries(['u_matrix', 'u_viewport', 'u_atlas', 'u_cells', 'u_aa']
      .map((u) => [u, gl.getUniformLocation(program, u)]));
    this.vao = gl.createVertexArray();
    gl.bindVertexArray(this.vao);
    this.buffer = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    for (const [name, size, offset] of [['a_corner', 2, 0], ['a_pos', 2, 2], ['a_fill', 4, 4], ['a_stroke', 4, 8], ['a_shape', 4, 12], ['a_icon', 1, 16]]) {
      const at = gl.getAttribLocation(program, name);
      gl.enableVertexAttribArray(at);
      gl.vertexAttribPointer(at, size, gl.FLOAT, false, VERTEX_FLOATS * 4, offset * 4);
    }
    // Two triangles a quad; grown, never shrunk, as more records are drawn.
    this.indices = gl.createBuffer();
    gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, this.indices);
    this.indexed = 0;
    gl.bindVertexArray(null);
    this.atlas = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, this.atlas);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, true);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, atlasCanvas());
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.bindTexture(gl.TEXTURE_2D, null);
  }

  /**
   * Replaces what is drawn, in drawing order (the last on top). Each record: `at` [lon, lat],
   * `fill` [r, g, b, a], `stroke` [r, g, b], `width`, `radius`, `halo` (px), `opacity`, `icon`
   * (a key of CELLS, or null) and `iconSize` (the cell's CSS size, px).
   */
  set(records, mercator) {
    const data = new Float32Array(records.length * 4 * VERTEX_FLOATS);
    // Positions are kept relative to the first record's, so 32-bit floats stay exact to well
    // under a pixel at street zoom; the matrix takes the origin in 64 bits.
    const origin = records.length ? mercator(records[0].at) : [0, 0];
    records.forEach((r, i) => {
      const [x, y] = mercator(r.at);
      const record = [
        x - origin[0], y - origin[1], ...r.fill, ...r.stroke, r.width, r.radius, r.halo, r.opacity,
        r.icon ? CELLS.get(r.icon) : -1, r.iconSize, 0,
      ];
      CORNERS.forEach((corner, k) => {
        const at = (i * 4 + k) * VERTEX_FLOATS;
        data.set(corner, at);
        data.set(record, at + 2);
      });
    });
    this.data = data;
    this.origin = origin;
    this.count = records.length;
    this.dirty = true;
    this.map?.triggerRepaint();
  }

  render(gl, options) {
    if (!this.count) return;
    gl.useProgram(this.program);
    gl.bindVertexArray(this.vao);
    if (this.dirty) {
      gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
      gl.bufferData(gl.ARRAY_BUFFER, this.data, gl.DYNAMIC_DRAW);
      if (this.count > this.indexed) {
        this.indexed = Math.max(this.count, 2 * this.indexed, 256);
        const quads = new Uint32Array(this.indexed * 6);
        for (let q = 0; q < this.indexed; q += 1) quads.set([0, 1, 2, 2, 1, 3].map((v) => q * 4 + v), q * 6);
        gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, quads, gl.STATIC_DRAW);
      }
      this.dirty = false;
    }
    const m = options.defaultProjectionData.mainMatrix;
    const [ox, oy] = this.origin;
    const matrix = Float32Array.from(m);
    for (let k = 0; k < 4; k += 1) matrix[12 + k] = m[k] * ox + m[4 + k] * oy + m[12 + k];
    gl.uniformMatrix4fv(this.uniforms.u_matrix, false, matrix);
    const canvas = this.map.getCanvas();
    gl.uniform2f(this.uniforms.u_viewport, canvas.clientWidth, canvas.clientHeight);
    gl.uniform1f(this.uniforms.u_aa, canvas.clientWidth / canvas.width);
    gl.uniform2f(this.uniforms.u_cells, COLUMNS, Math.ceil(CELLS.size / COLUMNS));
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.atlas);
    gl.uniform1i(this.uniforms.u_atlas, 0);
    gl.drawElements(gl.TRIANGLES, this.count * 6, gl.UNSIGNED_INT, 0);
    gl.bindVertexArray(null);
  }

  onRemove(map, gl) {
    gl.deleteProgram(this.program);
    gl.deleteBuffer(this.buffer);
    gl.deleteBuffer(this.indices);
    gl.deleteTexture(this.atlas);
    gl.deleteVertexArray(this.vao);
  }
}

/** Every pictogram and cluster count in one canvas, CELLS' order, COLUMNS to a row. */
function atlasCanvas() {
  const canvas = document.createElement('canvas');
  canvas.width = COLUMNS * CELL;
  canvas.height = Math.ceil(CELLS.size / COLUMNS) * CELL;
  const ctx = canvas.getContext('2d');
  for (const [key, i] of CELLS) {
    const [x, y] = [(i % COLUMNS) * CELL, Math.floor(i / COLUMNS) * CELL];
    if (key.startsWith('kind-')) {
      drawKind(ctx, key.slice(5), x + 8, y + 8);
    } else {
      // The page loads no font from anywhere: the counts are drawn in the system's sans-serif.
      ctx.fillStyle = '#ffffff';
      ctx.font = `bold ${key === 'count-many' ? 17 : 22}px sans-serif`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(key === 'count-many' ? `${MAX_COUNT}+` : key.slice(6), x + CELL / 2, y + CELL / 2 + 1);
    }
  }
  return canvas;
}
