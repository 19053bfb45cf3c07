/**
 * Tag names shared by the code that fills the cache and the code that
 * invalidates it.
 *
 * @module
 */

/**
 * The tag of entries derived from one pane's screen (its content, its
 * agent's status): `invalidateOnTmuxEvents` drops them when the pane writes
 * output.
 *
 * @example
 * cache.set('pane_content', '%5', lines, { tags: [paneTag('%5')] }); // tag `pane:%5`
 */
export function paneTag(paneId: string): string {
  return `pane:${paneId}`;
}
