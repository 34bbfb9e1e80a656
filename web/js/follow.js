// Other editors' writes reach a map left open: every half minute while the page is in view, and
// at once when it comes back into view, the page asks the server for its data revision
// (/api/meta, revalidated by its ETag, so an unchanged answer is a 304). A newer revision brings
// the new states in without a reload (main.js). The map as published on an earlier date never
// changes, and is not followed.

export const EVERY_MS = 30_000;

const clock = (at) => new Date(at).toISOString().slice(11, 16);

export class Follower {
  /**
   * @param {number} revision the data revision the page shows
   * @param {(meta: object) => Promise<void>} onNewer shows the data of a newer revision
   * @param {HTMLElement} note where the page says when it last checked, and what it found
   */
  constructor(revision, onNewer, note) {
    this.revision = revision;
    this.onNewer = onNewer;
    this.note = note;
    this.running = null;
    /** When the page last had the server's data: opened, or checked. */
    this.checked = Date.now();
  }

  /** Checks on a timer while the page is in view, and when it comes back into view. */
  start() {
    setInterval(() => { if (document.visibilityState === 'visible') this.check(); }, EVERY_MS);
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') this.check(); });
    window.addEventListener('focus', () => this.check());
  }

  /** The page shows `revision` (after its own write, say): no need to fetch it again. */
  saw(revision) {
    this.revision = revision;
  }

  /** Asks for the revision, and shows a newer one; one check at a time. */
  check() {
    this.running ??= this.ask().finally(() => { this.running = null; });
    return this.running;
  }

  async ask() {
    try {
      const res = await fetch('/api/meta', { cache: 'no-cache' });
      if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
      const meta = await res.json();
      if (meta.revision !== this.revision) {
        await this.onNewer(meta);
        this.revision = meta.revision;
        this.updated = Date.now();
      }
    } catch (e) {
      // Offline for a moment, or the server restarting, before or while the new states come:
      // the map stays as it was, and says so; the next check tries again.
      this.say(`Not updated since ${clock(this.checked)} UTC: the server did not answer (${e.message}).`, true);
      return;
    }
    this.checked = Date.now();
    this.say(this.updated ? `Updated with new edits at ${clock(this.updated)} UTC.` : '', false);
  }

  say(text, stale) {
    this.note.textContent = text;
    this.note.hidden = !text;
    this.note.classList.toggle('stale', stale);
    document.body.dataset.revision = String(this.revision);
  }
}
