// The events loaded so far, held as columns, one batch per request, as event-batch.worker.js
// makes them off the page's thread. A batch joins the store as it comes, with no sorting,
// merging or indexing of what is already in, so scrubbing into a new month costs the page well
// under a millisecond whatever the data set holds. An event becomes an object only while it is
// drawn (or asked for by id).

const DAY = 86_400_000;
/** Events lasting longer than this (ms) are few; a window search checks them apart. */
const LONG = 32 * DAY;
/** Where event `i` of batch `b` is, as one number. */
const SLOT = 2 ** 32;

/** `YYYY-MM-DD` of the day starting at `ms`; a data set has a few thousand days at most. */
const days = new Map();
function iso(ms) {
  let s = days.get(ms);
  if (s === undefined) {
    s = new Date(ms).toISOString().slice(0, 10);
    days.set(ms, s);
  }
  return s;
}
/** The first instant (ms) of the calendar month of `ms`. */
function monthOf(ms) {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}
/** Event `i` of `batch`'s id. */
const idOf = (batch, i) => batch.idText.slice(i ? batch.idEnd[i - 1] : 0, batch.idEnd[i]);
/** Events in order of first day, then id. */
export const byStart = (a, b) => a.start - b.start || (a.id < b.id ? -1 : 1);

const newWorker = () => new Worker(new URL('./event-batch.worker.js', import.meta.url), { type: 'module' });
let started = null;

/** Starts the Worker the next EventStore takes, so its script is fetched and compiled while the
 * page loads its data rather than after. */
export function startWorker() {
  started ??= newWorker();
}

export class EventStore {
  /** @param {(datetime: string | null) => string} urlOf the `/api/events.bin` URL of an OGC
   * period (every event for null) */
  constructor(urlOf) {
    this.urlOf = urlOf;
    this.batches = [];
    /** How many events are kept. */
    this.size = 0;
    /** The months answered (by their first instant, ms), and the ids of events kept from a
     * month after the one they start in, which had not answered then. */
    this.answered = new Set();
    this.spilled = new Set();
    /** Slots of the long events. */
    this.long = [];
    /** Changes whenever events are added. */
    this.generation = 0;
    this.asked = new Map();
    this.serial = 0;
    this.worker = started ?? newWorker();
    started = null;
    this.worker.onmessage = ({ data }) => {
      const { resolve, reject } = this.asked.get(data.id);
      this.asked.delete(data.id);
      if (data.error) reject(new Error(data.error));
      else resolve(data);
    };
  }

  /** Where event `id` is kept, or undefined: a scan, for a click or a test. */
  slotOf(id) {
    for (let b = 0; b < this.batches.length; b += 1) {
      const batch = this.batches[b];
      for (let i = 0; i < batch.count; i += 1) {
        if (!batch.dup[i] && idOf(batch, i) === id) return b * SLOT + i;
      }
    }
    return undefined;
  }

  has(id) {
    return this.slotOf(id) !== undefined;
  }

  /** Event `id` as an object, or undefined when it is not loaded. */
  get(id) {
    const slot = this.slotOf(id);
    return slot === undefined ? undefined : this.event(slot);
  }

  /**
   * Fetches the events of `datetime` (an OGC period; null: every event) and adds them; resolves
   * when they are in. A calendar month is asked for with `month`, its [from,
   * until) in ms: an event spanning two months comes in both and is kept once.
   */
  load(datetime, month = null) {
    this.serial += 1;
    const id = this.serial;
    const answer = new Promise((resolve, reject) => this.asked.set(id, { resolve, reject }));
    this.worker.postMessage({ id, url: this.urlOf(datetime) });
    return answer.then(({ batch }) => this.add(batch, month));
  }

  /** Adds a batch (of `month`, or of every event): O(its events). */
  add(batch, month) {
    const b = this.batches.length;
    batch.dup = new Uint8Array(batch.count);
    let added = 0;
    for (let i = 0; i < batch.count; i += 1) {
      if (month && !this.keeps(batch, i, month)) { batch.dup[i] = 1; continue; }
      if (batch.end[i] - batch.start[i] > LONG) this.long.push(b * SLOT + i);
      added += 1;
    }
    this.batches.push(batch);
    if (month) this.answered.add(month.from);
    this.size += added;
    if (added) this.generation += 1;
  }

  /**
   * Whether event `i` of the batch of `month` is kept there: one that starts in the month is,
   * unless an earlier answer of a later month kept it; one that starts earlier is kept when its
   * own month has not answered (it may never be asked for: the window reaches back into it).
   */
  keeps(batch, i, month) {
    const start = batch.start[i];
    // Only one that runs on past the month's end can have come with a later month.
    if (start >= month.from) return batch.end[i] <= month.until || !this.spilled.has(idOf(batch, i));
    if (this.answered.has(monthOf(start))) return false;
    const id = idOf(batch, i);
    if (this.spilled.has(id)) return false;
    this.spilled.add(id);
    return true;
  }

  /**
   * The events meeting [from, until) (ms), in `byStart` order. Those lasting up to LONG start in
   * [from − LONG, until), found by a binary search in each batch; the few longer ones are checked
   * apart. A window costs its events, not every event loaded.
   */
  between(from, until) {
    const reach = from - LONG;
    const out = [];
    for (const slot of this.long) {
      const [batch, i] = [this.batches[Math.floor(slot / SLOT)], slot % SLOT];
      if (batch.start[i] < reach && batch.end[i] > from) out.push(this.event(slot));
    }
    this.batches.forEach((batch, b) => {
      const { start, end, dup, count } = batch;
      let lo = 0;
      let hi = count;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (start[mid] < reach) lo = mid + 1; else hi = mid;
      }
      for (let i = lo; i < count && start[i] < until; i += 1) {
        if (!dup[i] && end[i] > from) out.push(this.event(b * SLOT + i));
      }
    });
    return out.sort(byStart);
  }

  /** Every event loaded, in `byStart` order: for tests and tools. */
  all() {
    const out = [];
    this.batches.forEach((batch, b) => {
      for (let i = 0; i < batch.count; i += 1) if (!batch.dup[i]) out.push(this.event(b * SLOT + i));
    });
    return out.sort(byStart);
  }

  /** The event in `slot` as the page uses it: a GeoJSON feature with the dot's properties, its
   * days in ms ([start, end)) and its place in Web Mercator. */
  event(slot) {
    const [batch, i] = [this.batches[Math.floor(slot / SLOT)], slot % SLOT];
    const id = idOf(batch, i);
    const [start, end] = [batch.start[i], batch.end[i]];
    const largest = batch.largest[i];
    return {
      type: 'Feature', id, geometry: { type: 'Point', coordinates: [batch.lon[i], batch.lat[i]] },
      properties: {
        id, kind: batch.kinds[batch.kind[i]], date_start: iso(start), date_end: iso(end - DAY),
        responsible: batch.sides[batch.responsible[i]], grade: batch.grades[batch.grade[i]],
        largest: Number.isNaN(largest) ? null : largest,
      },
      start, end, mercator: [batch.x[i], batch.y[i]],
    };
  }
}
