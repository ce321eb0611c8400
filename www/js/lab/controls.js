// The lab's form: wiring, the variant of the stations, stream width, edge task, pressure on the
// writes and its strength, steps and seed; the presets; Train, Train both, Pause, Resume, Cancel. Every control has a
// label and is a native element, so the keyboard reaches it.

import { h, uid } from '../dom.js';
import { MAX_SEED, MAX_STEPS, MIN_STEPS, PRESETS, PRESSURES, PRESSURE_LABELS, VARIANTS, VARIANT_LABELS, WIDTHS, WIRINGS, normalise } from './config.js';

/**
 * Build the form into `root`. Returns its parts and get()/set() for the configuration.
 * @param {HTMLElement} root
 */
export function buildControls(root) {
  const id = uid('lab');
  const field = (key, label, control, hint = null) => h('div', { class: 'lab-field-row' },
    h('label', { for: `${id}-${key}`, class: 'control-label' }, label), control, hint);
  const select = (key, options, labels = {}) => h('select', { id: `${id}-${key}`, 'data-control': `lab-${key}` },
    options.map((o) => h('option', { value: String(o) }, labels[o] ?? String(o))));
  const number = (key, attrs) => h('input', { type: 'number', id: `${id}-${key}`, 'data-control': `lab-${key}`, inputmode: 'numeric', ...attrs });

  const wiring = select('wiring', WIRINGS);
  const variant = select('variant', VARIANTS, VARIANT_LABELS);
  const width = select('width', WIDTHS);
  const edge = h('input', { type: 'checkbox', id: `${id}-edge`, 'data-control': 'lab-edge' });
  const pressure = select('pressure', PRESSURES, PRESSURE_LABELS);
  const strength = number('strength', { min: '0', max: '1', step: 'any', inputmode: 'decimal' });
  const steps = number('steps', { min: String(MIN_STEPS), max: String(MAX_STEPS), step: '10' });
  const seed = number('seed', { min: '1', max: String(MAX_SEED), step: '1' });

  const button = (action, text, attrs = {}) => h('button', { type: 'button', 'data-action': action, ...attrs }, text);
  const presets = Object.entries(PRESETS).map(([key, p]) => button(`lab-preset-${key}`, p.label, { 'data-preset-key': key }));
  const train = button('lab-train', 'Train');
  const trainBoth = button('lab-train-both', 'Train both (stream and hierarchy)');
  const pause = button('lab-pause', 'Pause', { disabled: true });
  const resume = button('lab-resume', 'Resume', { disabled: true });
  const cancel = button('lab-cancel', 'Cancel', { disabled: true });

  const form = h('form', { class: 'lab-form', 'aria-label': 'Training settings' },
    h('div', { class: 'lab-grid' },
      field('wiring', 'Wiring', wiring),
      field('variant', 'Stations read and write', variant),
      field('width', 'Stream width d', width),
      h('div', { class: 'lab-field-row lab-check' }, edge, h('label', { for: `${id}-edge`, class: 'control-label' }, 'Edge task (orientation of bars and gratings)')),
      field('pressure', 'Pressure on the writes', pressure),
      field('strength', 'Strength (with a pressure)', strength),
      field('steps', 'Steps', steps),
      field('seed', 'Seed', seed)),
    h('div', { class: 'controls lab-presets', role: 'group', 'aria-label': 'Presets' }, h('span', { class: 'control-label' }, 'Presets:'), presets),
    h('div', { class: 'controls lab-actions', role: 'group', 'aria-label': 'Run' }, train, trainBoth, pause, resume, cancel));
  // Nothing is submitted anywhere (the CSP has form-action 'none'); Enter trains.
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!train.disabled) train.click();
  });
  root.append(form);

  const get = () => normalise({
    wiring: wiring.value, width: width.value, edge_task: edge.checked, pressure: pressure.value,
    strength: strength.value, steps: steps.value, seed: seed.value, variant: variant.value,
  });
  const set = (c) => {
    wiring.value = c.wiring;
    width.value = String(c.width);
    edge.checked = c.edge_task;
    pressure.value = c.pressure;
    strength.value = String(c.strength);
    steps.value = String(c.steps);
    seed.value = String(c.seed);
    variant.value = c.variant;
  };
  /** While a run goes on, the settings are fixed (they describe that run). */
  const lock = (running) => {
    for (const el of [wiring, variant, width, edge, pressure, strength, steps, seed, ...presets]) el.disabled = running;
  };
  return { form, get, set, lock, presets, train, trainBoth, pause, resume, cancel };
}
