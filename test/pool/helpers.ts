import { expect } from 'vitest';
import type { CommandRunner } from '../../src/index.js';

let channels = 0;

/** A fresh `wait-for` channel name, so no test can wake another's. */
export function channel(): string {
  return `pool-${process.pid}-${++channels}`;
}

/**
 * Holds back every later command on the connection `runner` picks: tmux
 * answers `wait-for` at once, then runs nothing more from that client until
 * the channel is signalled (see {@link release}). Commands queued behind it
 * stay pending, deterministically.
 */
export async function block(runner: CommandRunner, chan: string): Promise<void> {
  expect(await runner.run(['wait-for', chan])).toEqual([]);
}

/** Signals `chan` from another client, letting the blocked connection go on. */
export async function release(other: CommandRunner, chan: string): Promise<void> {
  await other.run(['wait-for', '-S', chan]);
}
