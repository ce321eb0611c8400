// A small helper for building DOM without innerHTML (and so without inline styles, which the
// page's Content-Security-Policy forbids): h('p', {class: 'x'}, 'text', child, …).

/**
 * The element type of a tag name given to h(): h('canvas') is an HTMLCanvasElement.
 * @template {string} T
 * @typedef {T extends keyof HTMLElementTagNameMap ? HTMLElementTagNameMap[T]
 *   : T extends `svg:${infer S extends keyof SVGElementTagNameMap}` ? SVGElementTagNameMap[S]
 *   : T extends `svg:${string}` ? SVGElement : HTMLElement} ElementOf
 */

/**
 * @template {string} T
 * @param {T} tag  a tag name; "svg:…" makes an SVG element
 * @param {Record<string, any> | null} [attrs]  attributes; `on*` functions become listeners;
 *   `dataset` an object of data-* values; false / null / undefined are left out
 * @param {...(Node | string | number | null | undefined | false | Array<any>)} children
 * @returns {ElementOf<T>}
 */
export function h(tag, attrs, ...children) {
  const el = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  // The element createElement(NS) made for this tag, which is what ElementOf<T> names.
  return /** @type {ElementOf<T>} */ (/** @type {unknown} */ (el));
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

let counter = 0;
/** A document-unique id with a readable prefix (figures may appear more than once on a page). */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter.toString(36)}`;
}

export function article(word) {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

export function percent(p) {
  if (!Number.isFinite(p)) return '–';
  return `${Math.round(p * 100)}\u2009%`;
}

export function signed(x, digits = 2) {
  if (!Number.isFinite(x)) return '–';
  const s = x.toFixed(digits);
  return x > 0 ? `+${s}` : s.replace('-', '\u2212');
}
