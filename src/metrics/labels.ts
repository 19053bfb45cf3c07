/**
 * Bounded label values: metrics labelled by names that come from outside
 * (tmux command names, cache layers, error codes) keep a fixed number of series.
 *
 * @module
 */

/** The label value that stands for every value past the limit. */
export const OTHER_LABEL = 'other';

/**
 * The first `max` distinct values are kept as they are; later ones become
 * {@link OTHER_LABEL}.
 *
 * @example
 * const commands = new BoundedLabels(2);
 * commands.label('a'); // 'a'
 * commands.label('b'); // 'b'
 * commands.label('c'); // 'other'
 */
export class BoundedLabels {
  readonly #max: number;
  readonly #seen = new Set<string>();

  /** @param max - how many distinct values keep their own label. */
  constructor(max: number) {
    this.#max = max;
  }

  /** The label to use for `value`. */
  label(value: string): string {
    if (this.#seen.has(value)) return value;
    if (this.#seen.size >= this.#max) return OTHER_LABEL;
    this.#seen.add(value);
    return value;
  }
}
