/**
 * Keeps this process's own tmux activity on a server apart from the moments
 * a control client of it is attaching.
 *
 * tmux up to 3.5a writes some notifications (a session created or closed, a
 * client detached, a window's active pane changed…) to every control client,
 * including one still identifying itself, whose control state does not
 * exist yet: the server crashes (a NULL dereference in `control_write`,
 * "segfault at 20"; fixed upstream by tmux PRs #4980 and #5004). A control
 * client's identification spans several reads by the server (the messages
 * carrying its terminal's file descriptors are read one by one), so a
 * command from another client can slip in between.
 *
 * The gate makes each attach wait until every control client this process
 * closed has exited, and holds new commands and closes until the attached
 * client answered its first reply. Commands already sent are not waited
 * for: one may run for long, and tmux runs the others as soon as it reads
 * them, well before a new client process has started. Only this process's
 * own activity is covered: another program creating sessions on the same
 * server while a connection opens can still hit the tmux bug.
 *
 * @module
 */
import { describeServer, type TmuxServerOptions } from './server.js';

/** Sends a held command or close; `false` when it no longer needs sending (it was settled meanwhile). */
type Send = () => boolean;

/**
 * One server's gate, shared by every control connection of this process to
 * that server.
 *
 * @internal
 * @example
 * const gate = AttachGate.acquire(server);
 * gate.admit(() => { child.stdin.write(line); return true });
 * gate.admit(() => { child.stdin.end(); return true }, { untilDone: true }); // gate.done() once the client exited
 * await gate.attach(async () => { await spawnAndHandshake() });
 * gate.release(); // when the connection is closed
 */
export class AttachGate {
  static readonly #gates = new Map<string, AttachGate>();

  /** The gate of `server` (made on first use); {@link AttachGate.release} it when done. */
  static acquire(server: TmuxServerOptions): AttachGate {
    const key = describeServer(server);
    let gate = AttachGate.#gates.get(key);
    if (gate === undefined) {
      gate = new AttachGate(key);
      AttachGate.#gates.set(key, gate);
    }
    gate.#users++;
    return gate;
  }

  readonly #key: string;
  #users = 0;
  /** Closes sent whose client has not exited yet. */
  #closing = 0;
  #attaching = false;
  /** Commands and closes waiting for an attach to finish. */
  #held: { readonly send: Send; readonly untilDone: boolean }[] = [];
  /** Attaches waiting for their turn. */
  #turns: (() => void)[] = [];

  private constructor(key: string) {
    this.#key = key;
  }

  /**
   * Sends now, unless an attach is under way or waiting: then once it is
   * done. With `untilDone` (a close), what `send` sent keeps the next attach
   * waiting until {@link AttachGate.done}.
   */
  admit(send: Send, options: { readonly untilDone?: boolean } = {}): void {
    const untilDone = options.untilDone === true;
    if (this.#attaching || this.#turns.length > 0) this.#held.push({ send, untilDone });
    else this.#send(send, untilDone);
  }

  /** A close sent with `untilDone` has finished: its client exited. */
  done(): void {
    this.#closing--;
    this.#next();
  }

  /** Runs `open` (start a control client and wait for its first reply) alone: nothing else of this process reaches the server meanwhile. */
  async attach<T>(open: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.#turns.push(resolve);
      this.#next();
    });
    try {
      return await open();
    } finally {
      this.#attaching = false;
      const held = this.#held;
      this.#held = [];
      for (const { send, untilDone } of held) this.#send(send, untilDone);
      this.#next();
    }
  }

  /** One user fewer; the last one removes the gate. */
  release(): void {
    if (--this.#users > 0) return;
    if (AttachGate.#gates.get(this.#key) === this) AttachGate.#gates.delete(this.#key);
  }

  #send(send: Send, untilDone: boolean): void {
    if (send() && untilDone) this.#closing++;
  }

  #next(): void {
    if (this.#attaching || this.#closing > 0) return;
    const turn = this.#turns.shift();
    if (turn === undefined) return;
    this.#attaching = true;
    turn();
  }
}
