// The lab's configuration in the URL's fragment, beside the page's own keys (js/urlstate.js),
// so that a link restores the run a reader set up:
//   #lab-wiring=hierarchy&lab-d=8&lab-edge=off&lab-pressure=l1&lab-strength=0.001&lab-steps=200&lab-seed=3
//   #lab-variant=prenorm%2Bstochastic-depth
// Only settings that differ from the defaults are written; other keys are kept as they are.

import { DEFAULTS, normalise } from './config.js';

const KEYS = {
  wiring: 'lab-wiring',
  width: 'lab-d',
  edge_task: 'lab-edge',
  pressure: 'lab-pressure',
  strength: 'lab-strength',
  steps: 'lab-steps',
  seed: 'lab-seed',
  variant: 'lab-variant',
};

/** The configuration a fragment holds (defaults for whatever it does not say or says wrongly). */
export function readLabConfig(hash = location.hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const raw = {};
  for (const [field, key] of Object.entries(KEYS)) {
    const v = p.get(key);
    if (v === null) continue;
    raw[field] = field === 'edge_task' ? (v === 'on' ? true : v === 'off' ? false : undefined) : v;
  }
  return normalise(raw);
}

/** True when the fragment says anything about the lab. */
export function hasLabConfig(hash = location.hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  return Object.values(KEYS).some((k) => p.has(k));
}

/** The fragment with `config` written into it (other keys kept). */
export function withLabConfig(config, hash = location.hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  for (const [field, key] of Object.entries(KEYS)) {
    p.delete(key);
    if (config[field] === DEFAULTS[field]) continue;
    p.set(key, field === 'edge_task' ? (config[field] ? 'on' : 'off') : String(config[field]));
  }
  return p.toString();
}

/** Write the configuration into the address bar (no new history entry). */
export function writeLabConfig(config) {
  const text = withLabConfig(config);
  const url = `${location.pathname}${location.search}${text ? `#${text}` : ''}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
}
