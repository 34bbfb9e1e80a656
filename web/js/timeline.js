// The time controls: a slider over the data set's range with a density strip of changes, ← / →
// to step between hand-overs, a date field (YYYY-MM-DD), and play / pause at a steady pace in
// time (days of the timeline per second, whatever happens in them). Steps use the instants where
// a district changed hands (`handovers > 0`); the strip shows all.

import { dateString, displayString, lastAtOrBefore, parseInstant } from './time.js';

const DAY = 86_400_000;

export class Timeline {
  /**
   * @param {{start:string,end:string,instants:{at:string,changes:number,handovers:number}[]}} data
   * @param {(t: number, settled: boolean) => void} onChange settled is false while dragging
   */
  constructor(data, onChange) {
    this.onChange = onChange;
    this.timer = null;

    this.slider = document.getElementById('slider');
    this.dateInput = document.getElementById('date');
    this.label = document.getElementById('date-label');
    this.playButton = document.getElementById('play');
    this.speed = document.getElementById('speed');
    this.strip = document.getElementById('strip');
    this.slider.step = 'any';
    this.setData(data);
    this.t = this.end;

    this.slider.addEventListener('input', () => this.fromSlider(false));
    this.slider.addEventListener('change', () => this.fromSlider(true));
    this.dateInput.addEventListener('change', () => {
      const t = parseInstant(this.dateInput.value);
      const valid = Number.isFinite(t);
      this.dateInput.setCustomValidity(valid ? ''
        : `Write the date as YYYY-MM-DD, from ${dateString(this.start)} to ${dateString(this.end)}`);
      if (!valid) { this.dateInput.reportValidity(); return; }
      this.set(Math.min(Math.max(t, this.start), this.end), true);
    });
    document.getElementById('prev').addEventListener('click', () => this.step(-1));
    document.getElementById('next').addEventListener('click', () => this.step(1));
    this.playButton.addEventListener('click', () => (this.timer ? this.pause() : this.play()));
    this.speed.addEventListener('change', () => { if (this.timer) { this.pause(); this.play(); } });
    document.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => this.drawStrip()).observe(this.strip);
  }

  /** Takes a new timeline (after an edit): the range, the steps and the strip follow it. */
  setData(data) {
    this.start = Date.parse(data.start);
    this.end = Date.parse(data.end);
    this.instants = data.instants.map((i) => ({ at: Date.parse(i.at), changes: i.changes, handovers: i.handovers }));
    const steps = this.instants.filter((i) => i.handovers > 0).map((i) => i.at);
    this.steps = steps.length ? steps : this.instants.map((i) => i.at);
    this.slider.min = String(this.start);
    this.slider.max = String(Math.max(this.end, this.start + DAY));
    this.strip.dataset.instants = String(this.instants.length);
    if (this.t !== undefined) this.slider.value = String(this.t);
    this.drawStrip();
  }

  fromSlider(settled) {
    this.pause();
    // Whole days while dragging, so the URL and the date field stay readable.
    const raw = Number(this.slider.value);
    const t = this.start % DAY === 0 ? Math.round(raw / DAY) * DAY : raw;
    this.set(Math.min(Math.max(t, this.start), this.end), settled, false);
  }

  /** Shows instant `t`; `settled` marks a resting point worth a history entry. */
  set(t, settled, moveSlider = true) {
    this.t = t;
    if (moveSlider) this.slider.value = String(t);
    this.dateInput.value = dateString(t);
    this.label.textContent = displayString(t);
    this.slider.setAttribute('aria-valuetext', displayString(t));
    this.onChange(t, settled);
  }

  /** Moves to the previous (-1) or next (+1) hand-over; false when there is none. */
  step(direction, settled = true) {
    let k = lastAtOrBefore(this.steps, this.t);
    if (direction > 0) k += 1;
    else if (k >= 0 && this.steps[k] === this.t) k -= 1;
    if (k < 0 || k >= this.steps.length) return false;
    this.set(this.steps[k], settled);
    return true;
  }

  /** Plays forward at `speed` days per second, one whole day at a time, from the start when at
   * the end. The pace is set by time, so quiet months pass as fast as busy ones. */
  play() {
    if (this.timer) return;
    if (this.t >= this.end) this.set(this.start, false);
    const daysPerSecond = Number(this.speed.value) || 7;
    this.playButton.setAttribute('aria-label', 'Pause');
    this.playButton.setAttribute('aria-pressed', 'true');
    const origin = { wall: performance.now(), t: this.t };
    const tick = (now) => {
      if (!this.timer) return;
      const elapsed = ((now - origin.wall) / 1000) * daysPerSecond * DAY;
      const t = Math.min(origin.t + Math.floor(elapsed / DAY) * DAY, this.end);
      if (t !== this.t) this.set(t, false);
      if (t >= this.end) { this.pause(); return; }
      this.timer = requestAnimationFrame(tick);
    };
    this.timer = requestAnimationFrame(tick);
  }

  pause() {
    if (!this.timer) return;
    cancelAnimationFrame(this.timer);
    this.timer = null;
    this.playButton.setAttribute('aria-label', 'Play');
    this.playButton.setAttribute('aria-pressed', 'false');
    this.onChange(this.t, true);
  }

  onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const tag = e.target.tagName;
    const typing = (tag === 'INPUT' && e.target.type !== 'range') || tag === 'SELECT' || tag === 'TEXTAREA';
    if (typing) return;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      this.pause();
      this.step(e.key === 'ArrowRight' ? 1 : -1);
    }
  }

  /** Takes the events per week (`[{start, count}]`), drawn in the strip's upper band. */
  setEvents(weeks) {
    this.weeks = weeks.map((w) => ({ at: Date.parse(`${w.start}T00:00:00Z`), count: w.count }));
    this.strip.dataset.eventWeeks = String(this.weeks.filter((w) => w.count > 0).length);
    this.drawStrip();
  }

  /** A tick per instant of change, taller for more hand-overs; above them, an orange bar per
   * week with events, taller for more. */
  drawStrip() {
    const canvas = this.strip;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const ctx = canvas.getContext('2d');
    ctx.scale(ratio, ratio);
    const span = Math.max(this.end - this.start, 1);
    const max = Math.max(1, ...this.instants.map((i) => i.handovers));
    for (const i of this.instants) {
      const x = ((i.at - this.start) / span) * (width - 1);
      const h = i.handovers > 0 ? 3 + (height - 3) * (Math.log1p(i.handovers) / Math.log1p(max)) : 2;
      ctx.fillStyle = i.handovers > 0 ? '#3b4a5a' : '#b9c0c7';
      ctx.fillRect(Math.round(x), height - h, 1, h);
    }
    const weeks = this.weeks ?? [];
    const most = Math.max(1, ...weeks.map((w) => w.count));
    const band = Math.max(3, Math.round(height * 0.4));
    ctx.fillStyle = 'rgba(217, 119, 6, 0.75)';
    for (const w of weeks) {
      if (!w.count) continue;
      const x0 = ((w.at - this.start) / span) * (width - 1);
      const x1 = ((w.at + 7 * DAY - this.start) / span) * (width - 1);
      const h = 1 + (band - 1) * (w.count / most);
      ctx.fillRect(Math.round(x0), 0, Math.max(1, Math.round(x1 - x0) - 1), h);
    }
  }
}
