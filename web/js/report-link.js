// Links to the server's report map (PNG and PDF) of the shown date, and of what changed since the
// compare date when that is earlier, with the events of the window the map shows: a print-ready, sourced map for a briefing; and to the
// TileJSON of the shown date's vector tiles, for GIS.

import { withKnowledge } from './api.js';
import { dateString, instantString } from './time.js';

export class ReportLinks {
  constructor() {
    this.links = ['png', 'pdf'].map((format) => [format, document.getElementById(`report-${format}`)]);
    this.tiles = document.getElementById('tilejson');
  }

  /** @param {number} at shown instant; @param {number} cmp compare instant or NaN;
   * @param {number} events the events window shown, days (0: none; the whole war: 366) */
  update(at, cmp, events = 0) {
    const query = new URLSearchParams({ at: instantString(at) });
    if (Number.isFinite(cmp) && cmp < at) query.set('since', instantString(cmp));
    if (events > 0) query.set('events', `${Math.min(events, 366)}d`);
    const name = query.has('since') ? `${dateString(cmp)}-to-${dateString(at)}` : dateString(at);
    for (const [format, a] of this.links) {
      a.href = withKnowledge(`/api/maps/report.${format}?${query}`);
      a.download = `frontline-${name}.${format}`;
    }
    this.tiles.href = `/tiles/control.json?${new URLSearchParams({ at: instantString(at) })}`;
  }
}
