// The list of runs kept in this browser (js/lab/store.js), under the lab's form: what each
// session trained and where it stopped, with Resume (a paused run, or one the page closed on,
// goes on from its last saved step), Reopen (its curves, pictures and model come back as they
// were; a paused one stays paused) and Delete.

import { h, percent } from '../dom.js';
import { describe } from './config.js';

/** @typedef {import('./store.js').Session} Session */

/**
 * "stream and hierarchy, d = 32, edge task on, 300 steps, seed 1": a session's settings, the
 * wirings named once.
 * @param {Session} s
 */
export function sessionWhat(s) {
  const rest = describe(s.runs[0].config).split(', ').slice(1).join(', ');
  return `${s.runs.map((r) => r.config.wiring).join(' and ')}, ${rest}`;
}

/**
 * Where a session stopped, in words.
 * @param {Session} s
 */
export function sessionWhere(s) {
  const steps = s.runs[0].config.steps;
  const step = Math.min(...s.runs.map((r) => r.step));
  if (s.status === 'done') {
    const held = s.runs.map((r) => percent(r.heldOut.at(-1)?.category ?? NaN)).join(' and ');
    return `finished: ${steps} steps, held-out category ${held}`;
  }
  if (s.status === 'paused') return `paused at step ${step} of ${steps}`;
  return `stopped at step ${step} of ${steps} when the page closed`;
}

/**
 * Build the list (hidden while empty) into `root`.
 * @param {HTMLElement} root
 * @param {{resume: (s: Session) => void, reopen: (s: Session) => void, remove: (s: Session) => void}} act
 */
export function keptList(root, act) {
  const title = h('h3', { class: 'lab-subhead' }, 'Runs kept in this browser');
  const note = h('p', { class: 'lab-note', 'data-role': 'lab-kept-note' });
  const list = h('ul', { class: 'lab-kept-list' });
  const box = h('section', { class: 'lab-kept', 'data-role': 'lab-kept', 'aria-label': 'Runs kept in this browser', hidden: true }, title, note, list);
  root.append(box);

  /**
   * @param {Session[]} sessions  the kept sessions, newest first (the one on show left out)
   * @param {{busy: boolean, lasting: boolean, aside?: string}} how  busy: a run trains (nothing
   *   can be opened); lasting: kept across reloads (else only while the page is open); aside:
   *   a sentence about what was dropped to make room
   */
  function show(sessions, { busy, lasting, aside = '' }) {
    box.hidden = sessions.length === 0;
    title.textContent = lasting ? 'Runs kept in this browser' : 'Runs kept while this page is open';
    note.textContent = `${lasting
      ? 'Saved as they train, on this machine only; nothing is sent anywhere. They are here after a reload.'
      : 'This browser refuses to store them, so they are lost when the page is closed or reloaded: download a model to keep it.'}${aside ? ` ${aside}` : ''}`;
    list.replaceChildren(...sessions.map((s) => {
      const button = (action, text, fn) => {
        const b = h('button', { type: 'button', 'data-action': action, disabled: busy, 'aria-label': `${text}: ${sessionWhat(s)}` }, text);
        b.addEventListener('click', () => fn(s));
        return b;
      };
      const saved = new Date(s.saved).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
      return h('li', { class: 'lab-kept-item', 'data-session': s.id, 'data-status': s.status },
        h('span', { class: 'lab-kept-what' }, sessionWhat(s)),
        h('span', { class: 'lab-kept-where' }, `${sessionWhere(s)} · saved ${saved}`),
        h('span', { class: 'controls lab-kept-actions' },
          s.status === 'done' ? null : button('lab-kept-resume', 'Resume', act.resume),
          button('lab-kept-reopen', 'Reopen', act.reopen),
          button('lab-kept-delete', 'Delete', act.remove)));
    }));
  }

  return { el: box, show };
}
