// What an experiment figure reads, typed from the Rust core's output types. The declarations
// under generated/ are written by ts-rs from src/experiments/*.rs (tests/typescript.rs checks
// they are current); this file says how a figure reaches into them, so that `tsc`
// (./build.sh lint) checks every field a figure's `render` reads and every dotted path it
// hands to `Marks`.

import type { Marks } from '../experiments/interval.js';
import type { STATIONS } from '../names.js';

/** A station's name, which indexes an array of per-station values in a path ("stream.IT.l5"). */
export type Station = (typeof STATIONS)[number];

/** A step into an array: its index, or a station's name. */
export type Index = `${number}` | Station;

/** One key `K` holding `V`: the key itself where V is a number, and the paths through V. */
type Step<K extends string, V> = V extends number
  ? K
  : V extends string | boolean | null | undefined
    ? never
    : K | `${K}.${Path<V>}`;

/** Every dotted path from the root of `T` to a number in it. */
export type Path<T> = T extends readonly (infer U)[]
  ? Step<Index, U>
  : T extends object
    ? { [K in keyof T & string]-?: Step<K, T[K]> }[keyof T & string]
    : never;

/** The paths of `T`, or any string where a figure's output is not typed (`any`). */
export type PathOf<T> = 0 extends 1 & T ? string : Path<T>;

/** A path inside one wiring's tree of `T` (the paired difference is kept per wiring). */
export type WiringPathOf<T> = 0 extends 1 & T ? string : T extends { stream: infer S } ? Path<S> : never;

/** One run as a figure gets it: the output, and the keys the runner adds to a kept one. */
export type Run<T> = T & { experiment?: string; seed?: number; size?: string };

/** What `render` is given beside the run. */
export interface Context<T> {
  origin: 'file' | 'live';
  /** Seed 1's output from the results file, when there is one. */
  file?: Run<T> | null;
  marks?: Marks<T>;
  [key: string]: any;
}

/** An experiment figure (www/js/experiments/NAME.js), drawing the output `T` of its experiment. */
export interface Figure<T> {
  name: string;
  title: string;
  look: string;
  how?: string;
  runLabel?: string;
  runHelp?: string;
  live?: unknown;
  render(r: Run<T>, ctx?: Context<T>): { chart: Node; sentence?: string; tables?: Node[] };
}
