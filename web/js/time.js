// Instants as milliseconds since the epoch, UTC. Text form matches the server's: `YYYY-MM-DD` at
// midnight, else RFC 3339.

const DAY = 86_400_000;

/** Parses `YYYY-MM-DD` (midnight UTC) or RFC 3339; NaN when neither. */
export function parseInstant(text) {
  if (!text) return NaN;
  const s = String(text).trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return Date.parse(`${s}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(s)) return NaN;
  return Date.parse(s.replace(' ', 'T'));
}

export const dateString = (t) => new Date(t).toISOString().slice(0, 10);

/** The canonical text: the date alone at midnight, else the full instant without milliseconds. */
export function instantString(t) {
  if (t % DAY === 0) return dateString(t);
  return new Date(t).toISOString().replace('.000Z', 'Z');
}

/** Human form for labels: date, plus the time when not midnight. */
export function displayString(t) {
  if (t % DAY === 0) return dateString(t);
  return new Date(t).toISOString().slice(0, 16).replace('T', ' ');
}

/** Index of the last element of sorted `xs` that is <= t, or -1. */
export function lastAtOrBefore(xs, t, key = (x) => x) {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(xs[mid]) <= t) lo = mid + 1; else hi = mid;
  }
  return lo - 1;
}
