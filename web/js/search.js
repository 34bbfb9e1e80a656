// Find a district from the keyboard: as you type, districts whose name or any alternative name
// (spellings, Arabic) contains what you typed are listed, best matches first; Enter or a click
// picks one, which zooms to it and opens its history.

import { escapeHtml } from './map-layer.js';

const MAX_RESULTS = 12;

/** Lower case, without accents and Arabic diacritics, `al-`/`el-` prefixes and punctuation. */
export function fold(s) {
  return String(s).normalize('NFKD').replace(/[\u0300-\u036f\u064b-\u065f\u0670]/g, '')
    .toLowerCase().replace(/['’`ʿʾ]/g, '').replace(/\b(al|el|ad|an|ar|as|ash|az)-/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

export class DistrictSearch {
  /**
   * @param {maplibregl.Map} map
   * @param {import('./map-layer.js').DistrictLayer} districts
   * @param {(id: string) => void} onPick
   */
  constructor(map, districts, onPick) {
    this.map = map;
    this.districts = districts;
    this.onPick = onPick;
    this.input = document.getElementById('search');
    this.list = document.getElementById('search-results');
    this.folded = null;
    this.results = [];
    this.active = -1;
    this.input.addEventListener('input', () => this.suggest());
    this.input.addEventListener('keydown', (e) => this.key(e));
    this.input.addEventListener('change', () => { if (this.results.length) this.pick(this.results[0]); });
    this.input.addEventListener('blur', () => setTimeout(() => this.hide(), 150));
    this.list.addEventListener('mousedown', (e) => {
      const li = e.target.closest('li[data-slot]');
      if (li) { e.preventDefault(); this.pick(Number(li.dataset.slot)); }
    });
  }

  /** Every district's names, folded: made on the first search, not while the map loads (about
   * 30 ms at 50,000 districts). */
  get entries() {
    const { names, altNames } = this.districts;
    this.folded ??= names.map((name, slot) => ({ slot, name, folded: [name, ...(altNames[slot] ?? [])].map(fold) }));
    return this.folded;
  }

  /** Districts matching `text`: whole-name matches, then name starts, word starts, anywhere. */
  match(text) {
    const q = fold(text);
    if (!q) return [];
    const score = (e) => Math.min(...e.folded.map((f, i) => {
      const alt = i > 0 ? 0.5 : 0;
      if (f === q) return 0 + alt;
      if (f.startsWith(q)) return 1 + alt;
      if (f.split(' ').some((w) => w.startsWith(q))) return 2 + alt;
      if (f.includes(q)) return 3 + alt;
      return Infinity;
    }));
    return this.entries.map((e) => [e, score(e)]).filter(([, s]) => s < Infinity)
      .sort((a, b) => a[1] - b[1] || a[0].name.localeCompare(b[0].name))
      .slice(0, MAX_RESULTS).map(([e]) => e.slot);
  }

  suggest() {
    this.results = this.match(this.input.value);
    this.active = this.results.length ? 0 : -1;
    this.render();
  }

  render() {
    if (!this.results.length) { this.hide(); return; }
    this.list.innerHTML = this.results.map((slot, i) => {
      const alt = this.matchedAlt(slot);
      return `<li role="option" id="search-option-${i}" data-slot="${slot}" aria-selected="${i === this.active}">
        ${escapeHtml(this.districts.names[slot])}${alt ? ` <span class="muted">${escapeHtml(alt)}</span>` : ''}</li>`;
    }).join('');
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.input.setAttribute('aria-activedescendant', this.active >= 0 ? `search-option-${this.active}` : '');
  }

  /** The alternative name that matched, when the name itself did not. */
  matchedAlt(slot) {
    const q = fold(this.input.value);
    if (fold(this.districts.names[slot]).includes(q)) return '';
    return (this.districts.altNames[slot] ?? []).find((a) => fold(a).includes(q)) ?? '';
  }

  hide() {
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
  }

  key(e) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!this.results.length) return;
      e.preventDefault();
      const n = this.results.length;
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      this.render();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (this.active >= 0) this.pick(this.results[this.active]);
    } else if (e.key === 'Escape') {
      this.hide();
    }
  }

  pick(slot) {
    this.map.fitBounds(this.districts.bounds(slot), { maxZoom: 14, duration: 0, padding: 16 });
    this.onPick(this.districts.ids[slot]);
    this.input.value = '';
    this.results = [];
    this.hide();
  }
}
