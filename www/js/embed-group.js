// The live figures embedded in one host page share one drawing and one model, as the article's
// figures do: one App (one Viewer, one paper) for every <stream-figure> that does not say
// `separate`. The first of them with an input panel owns the paper; the others follow it.
// (The wasm module itself is loaded once per page by model.js, whatever the number of Apps.)
//
// Which figure owns the paper is decided once, for the figures that connect together (the
// browser upgrades every element of a parsed page in one go): an `input` figure if there is one,
// otherwise the first in document order. A figure added later follows the owner already chosen;
// if the owner is removed, the next figure built takes the paper over.

import { App } from './app.js';
import { WIRINGS } from './names.js';

/**
 * What one member of the group must provide.
 * @typedef {{element: HTMLElement, name: string, build: (group: Group, owner: boolean) => void}} Member
 */

/**
 * A message in an embedded figure's status line; an error also marks the element
 * (data-error="true"), which is what a host page or a test looks at.
 * @param {HTMLElement} el
 * @param {string} message
 * @param {'error' | 'notice'} kind
 */
export function showStatus(el, message, kind) {
  const line = /** @type {HTMLElement | null | undefined} */ (el.shadowRoot?.querySelector('[data-role="status"]'));
  if (line) {
    line.textContent = message;
    line.dataset.kind = kind;
  }
  if (kind === 'error') el.dataset.error = 'true';
}

/** Each wiring's answer in the words of the host API: {stream: {kind, behaviour, recognised}, …}. */
export function answerOf(summary) {
  if (!summary) return null;
  return Object.fromEntries(WIRINGS.map((w) => {
    const r = summary[w] ?? {};
    return [w, { kind: r.category ?? null, behaviour: r.behaviour ?? null, recognised: r.recognised !== false }];
  }));
}

/**
 * Calls onChange(answer) after a run whose answer differs from the last one (not every frame:
 * a stroke runs the model on each animation frame, and the words seldom change).
 * @param {App} app
 * @param {(answer: any) => void} onChange
 */
export function watchAnswer(app, onChange) {
  let last = '';
  app.addEventListener('run', (e) => {
    const answer = answerOf(/** @type {CustomEvent} */ (e).detail);
    const key = JSON.stringify(answer);
    if (key === last) return;
    last = key;
    onChange(answer);
  });
}

export class Group {
  constructor() {
    this.app = new App();
    /** @type {HTMLElement | null} the element whose input panel is the paper */
    this.owner = null;
    /** @type {Set<HTMLElement>} every element drawn by this App */
    this.members = new Set();
    /** @type {Promise<void> | null} */
    this.started = null;
    /** the latest answer, for elements that join after it was given */
    this.answer = null;
    // The model's troubles are every member's: each says so in its own status line.
    this.app.errorSink = (message, err) => {
      for (const el of this.members) showStatus(el, `${message}: ${err?.message ?? err}`, 'error');
    };
    this.app.noticeSink = (message) => {
      for (const el of this.members) showStatus(el, message, 'notice');
    };
    watchAnswer(this.app, (answer) => {
      this.answer = answer;
      for (const el of this.members) el.dispatchEvent(new CustomEvent('answerchange', { detail: answer }));
    });
  }

  /** Load the model once the paper exists (the owner's panel made it). */
  start() {
    this.started ??= this.app.start();
    return this.started;
  }

  /** Where the owner is from `el`: 'above', 'below', or null when there is none. */
  ownerSide(el) {
    if (!this.owner || !this.owner.isConnected || this.owner === el) return null;
    return this.owner.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING ? 'above' : 'below';
  }
}

/** @type {Group | null} the page's one group, made when its first member connects */
let group = null;
/** @type {Member[]} */
let pending = [];

/** The page's group (made on first use). */
export function pageGroup() {
  group ??= new Group();
  return group;
}

/** Build every member that connected in this task, the owner first. */
function settle() {
  const g = pageGroup();
  const batch = pending.filter((m) => m.element.isConnected);
  pending = [];
  batch.sort((a, b) => (a.element.compareDocumentPosition(b.element) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  if (!g.owner?.isConnected) {
    g.owner = null;
    const owner = batch.find((m) => m.name === 'input') ?? batch[0];
    if (owner) {
      g.owner = owner.element;
      batch.splice(batch.indexOf(owner), 1);
      batch.unshift(owner);
    }
  }
  for (const m of batch) {
    g.members.add(m.element);
    m.build(g, m.element === g.owner);
  }
}

/**
 * A figure joins the page's group; it is built (owner or follower) at the end of this task,
 * with every other figure that connected in it.
 * @param {Member} member
 */
export function joinGroup(member) {
  if (!pending.length) queueMicrotask(settle);
  pending.push(member);
}

/** A figure leaves the group (its element was removed or is being rebuilt). */
export function leaveGroup(element) {
  pending = pending.filter((m) => m.element !== element);
  if (!group) return;
  group.members.delete(element);
  if (group.owner === element) group.owner = null;
}
