// Editing from the district panel. An editor signs in with a token (kept for this browser tab in
// sessionStorage, never in the URL); the panel then offers a form to record a change of control
// (status, factions, from/to, confidence, sources picked or added, note, why) and a way to
// withdraw a state. Writes carry the history's ETag (If-Match), so two editors never overwrite
// each other unseen; the server's problems are listed under the form.

import * as api from './api.js';
import { escapeHtml } from './map-layer.js';
import { parseInstant } from './time.js';

const KEY = 'frontline-token';
const KINDS = ['wire', 'un', 'analyst', 'news', 'state-media', 'blog', 'forum', 'reference', 'aggregator'];

export class Editor {
  /** @param {{id: string, name: string}[]} factions; @param {boolean} readOnly the page shows past knowledge */
  constructor(factions, readOnly) {
    this.factions = factions;
    this.readOnly = readOnly;
    this.token = sessionStorage.getItem(KEY);
    this.who = null;
    this.box = document.getElementById('editor-box');
    this.state = document.getElementById('editor-state');
    this.form = document.getElementById('sign-in');
    this.form.addEventListener('submit', (e) => { e.preventDefault(); this.signIn(this.form.elements.token.value.trim()); });
    document.getElementById('sign-out').addEventListener('click', () => this.signOut());
    this.ready = this.token ? this.signIn(this.token) : Promise.resolve();
  }

  get signedIn() { return this.who !== null; }

  async signIn(token) {
    const res = await fetch('/api/me', { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) {
      let detail = res.statusText;
      try { detail = (await res.json()).detail; } catch { /* not problem+json */ }
      this.signOut();
      this.state.textContent = `Not signed in: ${detail}`;
      return;
    }
    this.who = await res.json();
    this.token = token;
    sessionStorage.setItem(KEY, token);
    this.form.reset();
    this.form.hidden = true;
    document.getElementById('sign-out').hidden = false;
    this.state.textContent = `Signed in as ${this.who.name} (${this.who.role}). Open a district to record a change.`;
    document.body.dataset.editor = this.who.name;
  }

  signOut() {
    this.who = null;
    this.token = null;
    sessionStorage.removeItem(KEY);
    this.form.hidden = false;
    document.getElementById('sign-out').hidden = true;
    this.state.textContent = 'Editors sign in with a token to record changes.';
    delete document.body.dataset.editor;
  }

  /** The editing part of a district's panel (empty when not signed in). */
  async render(history) {
    if (!this.signedIn) return '';
    if (this.readOnly) {
      return '<p class="muted editor-note">Editing changes the map as believed now: leave "as published on" to edit.</p>';
    }
    const sources = await api.sources();
    const factionBoxes = this.factions.map((f) => `<label class="check"><input type="checkbox" name="factions" value="${escapeHtml(f.id)}"> ${escapeHtml(f.name)}</label>`).join('');
    const sourceOptions = sources.map((s) => `<option value="${escapeHtml(s.id)}">${escapeHtml(`${s.publisher}: ${s.title} (${s.published})`)}</option>`).join('');
    const kinds = KINDS.map((k) => `<option>${k}</option>`).join('');
    return `<details class="record" open><summary>Record a change</summary>
      <form id="record-form" class="edit-form" data-etag="${escapeHtml(history.etag ?? '')}">
        <label>Status <select name="status"><option value="held">held</option><option value="contested">contested</option></select></label>
        <fieldset><legend>Faction(s)</legend>${factionBoxes}</fieldset>
        <label>From <input name="valid_from" placeholder="YYYY-MM-DD" required></label>
        <label>To <input name="valid_to" placeholder="empty: still holds"></label>
        <label>Confidence <select name="confidence"><option>reported</option><option>confirmed</option><option>claimed</option><option>estimated</option></select></label>
        <label>Sources <select name="sources" multiple size="4">${sourceOptions}</select></label>
        <details class="new-source"><summary>Add a source</summary>
          <label>Id <input name="src_id" placeholder="reuters-2017-06-05-zanjili"></label>
          <label>Title <input name="src_title"></label>
          <label>Publisher <input name="src_publisher"></label>
          <label>Published <input name="src_published" placeholder="YYYY-MM-DD"></label>
          <label>Address <input name="src_url" placeholder="https://… (the report itself)"></label>
          <label>Kind <select name="src_kind">${kinds}</select></label>
          <button type="button" id="add-source">Add source</button>
        </details>
        <label>Note <textarea name="note" rows="2"></textarea></label>
        <label>Why (comment) <input name="comment" required></label>
        <button type="submit">Record</button>
        <ul class="edit-errors" role="alert"></ul>
      </form></details>`;
  }

  /** Wires the form in `body` for `district`; `onWritten` runs after the server accepted a write. */
  bind(body, district, onWritten) {
    const form = body.querySelector('#record-form');
    // Typed in: another editor's write then leaves the panel as it is (main.js refresh).
    form?.addEventListener('input', () => { form.dataset.dirty = 'true'; });
    body.querySelectorAll('button[data-withdraw]').forEach((b) => b.addEventListener('click', async () => {
      const why = window.prompt('Why is this state withdrawn? (recorded with the edit)');
      if (!why) return;
      const path = `/api/states/${encodeURIComponent(b.dataset.withdraw)}?comment=${encodeURIComponent(why)}`;
      const res = await api.write('DELETE', path, this.token, undefined, form?.dataset.etag);
      if (res.status === 200) onWritten(); else this.problems(form, res);
    }));
    if (!form) return;
    form.querySelector('#add-source').addEventListener('click', async () => {
      const f = form.elements;
      const source = { id: f.src_id.value.trim(), title: f.src_title.value.trim(), publisher: f.src_publisher.value.trim(),
        published: f.src_published.value.trim(), url: f.src_url.value.trim(), kind: f.src_kind.value };
      const res = await api.write('POST', '/api/sources', this.token, source);
      if (res.status !== 201) { this.problems(form, res); return; }
      f.sources.insertAdjacentHTML('beforeend', `<option value="${escapeHtml(source.id)}" selected>${escapeHtml(`${source.publisher}: ${source.title} (${source.published})`)}</option>`);
      form.querySelector('.new-source').open = false;
      this.problems(form, null);
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const f = form.elements;
      const instant = (v) => {
        const t = parseInstant(v.trim());
        return Number.isFinite(t) ? new Date(t).toISOString() : v.trim();
      };
      const body = {
        status: f.status.value,
        factions: [...form.querySelectorAll('input[name=factions]:checked')].map((c) => c.value),
        valid_from: instant(f.valid_from.value),
        valid_to: f.valid_to.value.trim() ? instant(f.valid_to.value) : null,
        confidence: f.confidence.value,
        sources: [...f.sources.selectedOptions].map((o) => o.value),
        note: f.note.value,
        comment: f.comment.value,
      };
      const res = await api.write('POST', `/api/districts/${encodeURIComponent(district)}/states`, this.token, body, form.dataset.etag);
      if (res.status === 201) onWritten(); else this.problems(form, res);
    });
  }

  /** Lists a refused write's problems under the form (or clears them). */
  problems(form, res) {
    const list = form?.querySelector('.edit-errors') ?? document.getElementById('panel-body');
    if (!res) { list.innerHTML = ''; return; }
    const b = res.body ?? {};
    const items = [b.detail ?? `the server answered ${res.status}`, ...(b.errors ?? [])];
    if (res.status === 412) items.push('Another editor changed this district meanwhile: close and reopen it to see their change.');
    list.innerHTML = items.map((x) => `<li>${escapeHtml(x)}</li>`).join('');
  }
}
