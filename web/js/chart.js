// A chart of the share of the picked region each side holds over time (/api/stats/area), with a
// time axis, a percentage axis, a marker at the shown date and a read-out under the pointer.
// Clicking the chart jumps to that date.

import { dateString } from './time.js';

const SVG = 'http://www.w3.org/2000/svg';
const W = 260;
const H = 130;
const PAD = { left: 30, right: 6, top: 8, bottom: 18 };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function el(name, attrs = {}, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * An SVG path of a step series ([x, y] in drawing units, x ascending) that keeps one column per
 * half unit (about a pixel): within a column, the vertical run through its lowest and highest
 * values to the last. A million-state history has thousands of rows; the chart is 260 units wide.
 */
export function stepPath(points) {
  let d = '';
  let column = null;
  const flush = () => {
    if (!column) return;
    const { x, first, lo, hi, last } = column;
    if (!d) d = `M${x.toFixed(1)},${first.toFixed(1)}`;
    else d += `H${x.toFixed(1)}V${first.toFixed(1)}`;
    for (const y of [lo, hi, last]) if (y !== first) d += `V${y.toFixed(1)}`;
  };
  for (const [x, y] of points) {
    const key = Math.round(x * 2);
    if (column && column.key === key) {
      column.lo = Math.min(column.lo, y); column.hi = Math.max(column.hi, y); column.last = y;
      continue;
    }
    flush();
    column = { key, x, first: y, lo: y, hi: y, last: y };
  }
  flush();
  return d;
}

export class AreaChart {
  /**
   * @param {import('./colors.js').Palette} palette
   * @param {number} start @param {number} end ms: the time axis
   * @param {(t: number) => void} onPick
   */
  constructor(palette, start, end, onPick) {
    this.palette = palette;
    this.svg = document.getElementById('chart');
    this.svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    this.svg.removeAttribute('preserveAspectRatio');
    this.overlay = document.getElementById('chart-overlay');
    this.overlay.setAttribute('viewBox', `0 0 ${W} ${H}`);
    this.start = start;
    this.span = Math.max(end - start, 1);
    this.rows = [];
    this.factions = [];
    this.svg.addEventListener('click', (e) => onPick(this.timeAt(e)));
    this.svg.addEventListener('mousemove', (e) => this.hover(this.timeAt(e)));
    this.svg.addEventListener('mouseleave', () => this.hover(null));
  }

  x(t) { return PAD.left + ((t - this.start) / this.span) * (W - PAD.left - PAD.right); }

  y(pct) { return H - PAD.bottom - (pct / 100) * (H - PAD.top - PAD.bottom); }

  timeAt(e) {
    const box = this.svg.getBoundingClientRect();
    const px = ((e.clientX - box.left) / box.width) * W;
    const f = (px - PAD.left) / (W - PAD.left - PAD.right);
    return Math.round(this.start + Math.min(Math.max(f, 0), 1) * this.span);
  }

  /** Draws the shares of `stats` (/api/stats/area of one region). */
  show(stats, regionName) {
    this.rows = stats.rows.map((r) => ({ ...r, t: Date.parse(r.at) }));
    this.factions = stats.factions.filter((f) => this.rows.some((r) => (r.percent?.[f] ?? 0) > 0));
    this.svg.replaceChildren();
    this.svg.setAttribute('aria-label', `Share of ${regionName} held by each side over time; click to jump to a date`);
    const axis = el('g', { class: 'axis' });
    for (const pct of [0, 50, 100]) {
      axis.append(el('line', { x1: PAD.left, x2: W - PAD.right, y1: this.y(pct), y2: this.y(pct), class: pct ? 'grid' : 'base' }));
      axis.append(el('text', { x: PAD.left - 4, y: this.y(pct) + 3, 'text-anchor': 'end' }, `${pct} %`));
    }
    for (const [t, label] of this.ticks()) {
      axis.append(el('line', { x1: this.x(t), x2: this.x(t), y1: H - PAD.bottom, y2: H - PAD.bottom + 3, class: 'base' }));
      axis.append(el('text', { x: this.x(t), y: H - 4, 'text-anchor': 'middle' }, label));
    }
    this.svg.append(axis);
    const series = [...this.factions.map((f) => [f, this.palette.colorOf(f), '']), ['contested', '#777777', '3 2']];
    for (const [key, colour, dash] of series) {
      const d = stepPath(this.rows.map((r) => [this.x(r.t), this.y(r.percent?.[key] ?? 0)]));
      if (!d) continue;
      this.svg.append(el('path', { d: `${d}H${W - PAD.right}`, stroke: colour, 'stroke-dasharray': dash, class: 'series', 'data-faction': key }));
    }
    this.marker = el('line', { class: 'marker', y1: PAD.top, y2: H - PAD.bottom });
    this.cursor = el('g', { class: 'cursor', visibility: 'hidden' });
    this.cursorLine = el('line', { y1: PAD.top, y2: H - PAD.bottom });
    this.cursorText = el('text', { y: PAD.top + 8 });
    this.cursor.append(this.cursorLine, this.cursorText);
    this.overlay.replaceChildren(this.marker, this.cursor);
    if (Number.isFinite(this.t)) this.mark(this.t);
  }

  /** Month ticks (quarters or years on long spans), labelled with the month and the year at January. */
  ticks() {
    const months = this.span / (30.44 * 86_400_000);
    const every = months > 48 ? 12 : months > 18 ? 3 : months > 8 ? 2 : 1;
    const out = [];
    const d = new Date(this.start);
    let y = d.getUTCFullYear();
    let m = d.getUTCMonth() + 1;
    for (;;) {
      if (m > 11) { m -= 12; y += 1; }
      const t = Date.UTC(y, m, 1);
      if (t > this.start + this.span) break;
      if (m % every === 0) out.push([t, m === 0 ? String(y) : MONTHS[m]]);
      m += 1;
    }
    return out;
  }

  /** The row in force at `t`: the last at or before it. */
  rowAt(t) {
    let found = null;
    for (const r of this.rows) { if (r.t <= t) found = r; else break; }
    return found;
  }

  hover(t) {
    if (!this.cursor) return;
    if (t === null) { this.cursor.setAttribute('visibility', 'hidden'); return; }
    const r = this.rowAt(t);
    const x = this.x(t);
    this.cursorLine.setAttribute('x1', x);
    this.cursorLine.setAttribute('x2', x);
    const parts = this.factions.map((f) => `${f} ${Math.round(r?.percent?.[f] ?? 0)} %`);
    this.cursorText.textContent = `${dateString(t)}: ${parts.join(', ')}`;
    const right = x > W / 2;
    this.cursorText.setAttribute('x', right ? x - 3 : x + 3);
    this.cursorText.setAttribute('text-anchor', right ? 'end' : 'start');
    this.cursor.setAttribute('visibility', 'visible');
  }

  mark(t) {
    this.t = t;
    if (!this.marker) return;
    const x = this.x(t).toFixed(1);
    this.marker.setAttribute('x1', x);
    this.marker.setAttribute('x2', x);
  }
}
