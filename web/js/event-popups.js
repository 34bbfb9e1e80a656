// What a click on an event or a camp shows: every claim side by side with its figures, who
// made it and the report it comes from; a camp's counts over time and its population at the
// shown date.

import { escapeHtml } from './map-layer.js';

const DAY = 86_400_000;
const day = (s) => Date.parse(`${s}T00:00:00Z`);

/** `105`, `125–370`, `at least 40`, `up to 370`. */
export function range(min, max) {
  if (min != null && max != null) return min === max ? `${min}` : `${min}–${max}`;
  if (min != null) return `at least ${min}`;
  if (max != null) return `up to ${max}`;
  return '?';
}

/** Whether a site is open on the day of `t` (ms). */
export function isOpen(site, t) {
  const d = Math.floor(t / DAY) * DAY;
  return !(site.opened && day(site.opened) > d) && !(site.closed && day(site.closed) < d);
}

/** The population of a site at `t` (ms): its latest count on or before that day while open. */
export function populationAt(site, t) {
  if (!isOpen(site, t)) return null;
  const d = Math.floor(t / DAY) * DAY;
  let found = null;
  for (const o of site.observations) {
    if (o.metric === 'population' && day(o.date) <= d) found = o;
  }
  return found;
}

/** A link to source `id` of `sources` (title, publisher, date), or the bare id when unknown. */
export function sourceLink(sources, id) {
  const s = sources[id];
  if (!s) return escapeHtml(id);
  return `<a href="${escapeHtml(s.url)}" target="_blank" rel="noopener">${escapeHtml(s.title)}</a> (${escapeHtml(s.publisher)}, ${escapeHtml(s.published)})`;
}

/** The popup of event properties `p`; `name` gives a faction's name. */
export function eventHtml(p, sources, name) {
  const link = (id) => sourceLink(sources, id);
  const dates = p.date_start === p.date_end ? p.date_start : `${p.date_start} – ${p.date_end}`;
  const figures = p.figures.map((f) => `<li data-figure><b>${escapeHtml(range(f.min, f.max))}</b> ${escapeHtml(f.metric)} (${escapeHtml(f.group)}): ${escapeHtml(f.claimant)}. ${link(f.source)}${f.note ? `<br><span class="muted">${escapeHtml(f.note)}</span>` : ''}</li>`).join('');
  return `<div class="event-popup" data-event="${escapeHtml(p.id)}">
    <h3>${escapeHtml(p.title)}</h3>
    <p class="muted">${escapeHtml(p.kind.replace('_', ' '))} · ${escapeHtml(dates)} (${escapeHtml(p.date_precision)}) · ${escapeHtml(p.place)} (${escapeHtml(p.location_precision)}, ±${p.uncertainty_km} km) · grade: <b>${escapeHtml(p.grade)}</b>${p.responsible ? ` · held responsible: ${escapeHtml(name(p.responsible))}` : ' · responsibility unknown or disputed'}</p>
    <p>${escapeHtml(p.summary)}</p>
    ${figures ? `<p><b>Every claim</b>, side by side:</p><ul class="figures">${figures}</ul>` : ''}
    <p><b>Sources</b></p><ul class="event-sources">${p.sources.map((s) => `<li>${link(s)}</li>`).join('')}</ul>
    ${p.note ? `<p class="muted">${escapeHtml(p.note)}</p>` : ''}</div>`;
}

/** The popup of site properties `p` at `t` (ms). */
export function siteHtml(p, t, sources) {
  const link = (id) => sourceLink(sources, id);
  const pop = populationAt(p, t);
  const counts = p.observations.map((o) => `<li>${escapeHtml(o.date)}: ${escapeHtml(o.metric)} ${escapeHtml(range(o.min, o.max))}. ${link(o.source)}</li>`).join('');
  return `<div class="event-popup" data-site="${escapeHtml(p.id)}">
    <h3>${escapeHtml(p.name)}</h3>
    <p class="muted">${escapeHtml(p.kind)} · ${escapeHtml(p.operator)} · open ${escapeHtml(p.opened ?? '?')} – ${escapeHtml(p.closed ?? 'still open')}</p>
    <p data-population>${pop ? `Population on this date: <b>${escapeHtml(range(pop.min, pop.max))}</b> (count of ${escapeHtml(pop.date)}, ${link(pop.source)})` : 'No population count on or before this date.'}</p>
    <p><b>Every count</b></p><ul class="figures">${counts}</ul>
    <p><b>Sources</b></p><ul class="event-sources">${p.sources.map((x) => `<li>${link(x)}</li>`).join('')}</ul></div>`;
}
