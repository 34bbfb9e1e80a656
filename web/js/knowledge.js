// "As published on DATE": the whole page shows the map as the server would have shown it then
// (every read carries `known_at`), so a reader can see what was believed on a date and what was
// corrected since. A bare date means the end of that day, UTC: everything published that day.
// The choice lives in the URL hash (`known=`), so such a view can be shared; switching reloads.

import { parseInstant } from './time.js';

const DAY = 86_400_000;

/** The instant a typed value names: a date is the end of that day; NaN when malformed. */
export function knownInstant(text) {
  const s = String(text ?? '').trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return parseInstant(s) + DAY - 1;
  return parseInstant(s);
}

export class Knowledge {
  /** @param {number} known the instant shown (NaN: now); @param {(t: number) => void} onPick */
  constructor(known, onPick) {
    this.input = document.getElementById('known-date');
    this.banner = document.getElementById('known-banner');
    this.error = document.getElementById('known-error');
    const apply = document.getElementById('known-apply');
    const clear = document.getElementById('known-clear');
    if (Number.isFinite(known)) {
      this.input.value = new Date(known).toISOString().slice(0, 10);
      this.banner.hidden = false;
      this.banner.textContent = `As published on ${new Date(known).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      this.banner.title = 'The map, history and figures as the server gave them then; states corrected since are '
        + 'marked in the district panel. "Now" under Publishing history goes back to what is believed today.';
      document.body.dataset.known = new Date(known).toISOString();
    }
    clear.hidden = !Number.isFinite(known);
    const pick = () => {
      const t = knownInstant(this.input.value);
      this.error.hidden = Number.isFinite(t);
      if (!Number.isFinite(t)) {
        this.error.textContent = 'Give a date as YYYY-MM-DD (or an RFC 3339 instant).';
        return;
      }
      onPick(t);
    };
    apply.addEventListener('click', pick);
    this.input.addEventListener('keydown', (e) => { if (e.key === 'Enter') pick(); });
    clear.addEventListener('click', () => onPick(NaN));
  }
}
