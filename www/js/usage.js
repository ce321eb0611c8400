// The usage index in words: how the preregistration (data/preregistration.json, usage_index)
// measures whether a model uses its stream, as the variants table and the lab print it. The
// names are the plan's; the numbers, thresholds and whether each is met come from the results
// or the core (src/experiments/usage.rs), never from here.

/** What each component measures, for a reader. A component the page does not know shows by name. */
export const COMPONENTS = {
  bypass_retention: 'Accuracy kept with one station bypassed (fraction of intact)',
  early_share: 'Share of the decision carried by the direct path, V1 and V2',
  early_write_readback: 'V1’s write read back at IT (R² beyond IT’s own write)',
  skip_to_write_cost: 'Accuracy lost without a skip, over that lost without a write',
};

/** A component's words: its label, or its name when the page does not know it. */
export function componentLabel(name) {
  return COMPONENTS[name] ?? name;
}

/** The components a set of usage summaries carries, the known ones first in the plan's order. */
export function componentNames(summaries) {
  const seen = new Set(summaries.flatMap((u) => Object.keys(u?.components ?? {})));
  return [...Object.keys(COMPONENTS).filter((c) => seen.has(c)), ...[...seen].filter((c) => !(c in COMPONENTS))];
}

/**
 * "✓ met (≥ 0.8)" / "✗ not met (≤ 0.5)": whether a value meets a component's threshold, in words.
 * @param {boolean} met
 * @param {number | undefined} threshold
 * @param {boolean} [atMost]
 */
export function metText(met, threshold, atMost = false) {
  const line = Number.isFinite(threshold) ? ` (${atMost ? '≤' : '≥'} ${threshold})` : '';
  return `${met ? '✓ met' : '✗ not met'}${line}`;
}
