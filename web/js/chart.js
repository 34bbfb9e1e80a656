// A small chart of the area each faction holds over time (/api/stats/area), with a marker at the
// shown date. Clicking the chart jumps to that date.

const SVG = 'http://www.w3.org/2000/svg';
const W = 300;
const H = 90;

export class AreaChart {
  /**
   * @param {{factions:string[], rows:object[]}} stats
   * @param {import('./colors.js').Palette} palette
   * @param {number} start @param {number} end ms
   * @param {(t: number) => void} onPick
   */
  constructor(stats, palette, start, end, onPick) {
    this.svg = document.getElementById('chart');
    this.svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    this.start = start;
    this.span = Math.max(end - start, 1);
    const rows = stats.rows.map((r) => ({ ...r, t: Date.parse(r.at) }));
    const max = Math.max(1e-9, ...rows.flatMap((r) => stats.factions.map((f) => r[f] ?? 0)));
    const x = (t) => ((t - start) / this.span) * W;
    const y = (v) => H - 2 - (v / max) * (H - 6);
    for (const f of stats.factions) {
      let d = '';
      rows.forEach((r, i) => {
        const v = r[f] ?? 0;
        d += i === 0 ? `M${x(r.t).toFixed(1)},${y(v).toFixed(1)}` : `H${x(r.t).toFixed(1)}V${y(v).toFixed(1)}`;
      });
      if (rows.length) d += `H${W}`;
      const path = document.createElementNS(SVG, 'path');
      path.setAttribute('d', d);
      path.setAttribute('stroke', palette.colorOf(f));
      path.setAttribute('data-faction', f);
      path.setAttribute('class', 'series');
      this.svg.append(path);
    }
    this.marker = document.createElementNS(SVG, 'line');
    this.marker.setAttribute('class', 'marker');
    this.marker.setAttribute('y1', '0');
    this.marker.setAttribute('y2', String(H));
    this.svg.append(this.marker);
    this.svg.addEventListener('click', (e) => {
      const box = this.svg.getBoundingClientRect();
      onPick(Math.round(this.start + ((e.clientX - box.left) / box.width) * this.span));
    });
  }

  mark(t) {
    const x = (((t - this.start) / this.span) * W).toFixed(1);
    this.marker.setAttribute('x1', x);
    this.marker.setAttribute('x2', x);
  }
}
