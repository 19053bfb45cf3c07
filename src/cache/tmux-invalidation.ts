/**
 * Drives a `LayeredCache`'s invalidation from a tmux client's notifications.
 *
 * @module
 */
import type { TmuxClient } from '../tmux/client.js';
import type { TmuxClientEvents } from '../tmux/client-events.js';
import type { LayeredCache } from './layered-cache.js';
import { paneTag } from './tags.js';

/** Notifications after which the `session_info` layer is out of date. */
const SESSION_CHANGES = [
  'window-add',
  'window-close',
  'window-renamed',
  'unlinked-window-add',
  'unlinked-window-close',
  'unlinked-window-renamed',
  'sessions-changed',
  'session-renamed',
  'layout-change',
  'window-pane-changed',
] as const satisfies readonly (keyof TmuxClientEvents)[];

/**
 * Keeps `cache` in step with tmux:
 *
 * - a pane's `output`, and its output pausing or resuming (output in
 *   between is not reported), invalidate the tag `paneTag(paneId)`;
 * - windows added, closed or renamed, sessions created, destroyed or
 *   renamed, layout and active pane changes clear the `session_info` layer;
 * - the client closing clears every layer, since no more events will come.
 *
 * `output` arrives only for panes in windows linked into the client's session.
 *
 * @returns a function that stops listening.
 * @example
 * const cache = new LayeredCache();
 * const stop = invalidateOnTmuxEvents(cache, client);
 * const lines = await cache.load('pane_content', '%5', () => client.capturePane('%5'), { tags: [paneTag('%5')] });
 * stop();
 */
export function invalidateOnTmuxEvents(cache: LayeredCache, client: TmuxClient): () => void {
  const onPane = (event: { readonly paneId: string }): void => {
    cache.invalidateTag(paneTag(event.paneId));
  };
  const onSessionChange = (): void => {
    cache.clearLayer('session_info');
  };
  const onClose = (): void => cache.clear();
  client.on('output', onPane);
  client.on('pause', onPane);
  client.on('continue', onPane);
  for (const event of SESSION_CHANGES) client.on(event, onSessionChange);
  client.on('close', onClose);
  return () => {
    client.off('output', onPane);
    client.off('pause', onPane);
    client.off('continue', onPane);
    for (const event of SESSION_CHANGES) client.off(event, onSessionChange);
    client.off('close', onClose);
  };
}
