#!/usr/bin/env node
/**
 * A tiny line-editing program for delivery tests, drawn like an agent CLI:
 *
 *     STATE: idle
 *     > text typed so far
 *
 * It enables bracketed paste (unless `--no-bracketed-paste`), takes a paste
 * verbatim, Ctrl-J as a newline, Ctrl-U as "clear the line", Backspace, and
 * Enter (CR) as "submit". Each submitted message is appended to the `--log`
 * file as one JSON line `{"text": …, "state": …}` (the state it was submitted
 * in). An empty line is not submitted. `ENTERS: n` counts the presses of
 * Enter acted on (swallowed and empty ones included). In the input line a newline shows as
 * `↵`, a carriage return as `␍` and a tab as `⇥`, and only the last 30
 * characters are shown.
 *
 * Options:
 *   --log FILE               where submitted messages go (required)
 *   --swallow-enters N       ignore the first N presses of Enter
 *   --accept-delay-ms N      act on Enter only after N ms
 *   --busy-ms N              stay `working` for N ms after each message
 *   --start-state S          `idle` (default), `working` (for --busy-ms) or
 *                            `waiting` (a question; the key `1` answers it)
 *   --no-bracketed-paste     do not ask the terminal for bracketed paste
 *
 * The message `/exit` makes it exit.
 */
import { appendFileSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    log: { type: 'string' },
    'swallow-enters': { type: 'string', default: '0' },
    'accept-delay-ms': { type: 'string', default: '0' },
    'busy-ms': { type: 'string', default: '0' },
    'start-state': { type: 'string', default: 'idle' },
    'no-bracketed-paste': { type: 'boolean', default: false },
  },
});
if (values.log === undefined) throw new Error('--log is required');
const logFile = values.log;
let swallowEnters = Number(values['swallow-enters']);
const acceptDelayMs = Number(values['accept-delay-ms']);
const busyMs = Number(values['busy-ms']);

const PASTE_START = '\u001b[200~';
const PASTE_END = '\u001b[201~';

let state = values['start-state'];
/** Presses of Enter acted on so far (swallowed, empty and delayed ones included). */
let entersHandled = 0;
let input = '';
let pasting = false;
let carry = '';

function render() {
  // The end of the input is enough, and cheap to draw however long the input grows.
  const end = Array.from(input.slice(-60)).slice(-30).join('');
  const shown = end.replaceAll('\n', '↵').replaceAll('\r', '␍').replaceAll('\t', '⇥');
  const lines = [`STATE: ${state}`];
  if (state === 'waiting') lines.push('QUESTION: Go on? 1. Yes');
  lines.push(`> ${shown}`, `ENTERS: ${entersHandled}`);
  process.stdout.write(`\u001b[H\u001b[2J${lines.join('\r\n')}`);
}

function becomeBusy() {
  if (busyMs <= 0) return;
  state = 'working';
  setTimeout(() => {
    state = 'idle';
    render();
  }, busyMs);
}

function submit() {
  entersHandled += 1;
  if (input === '') {
    render();
    return;
  }
  appendFileSync(logFile, JSON.stringify({ text: input, state }) + '\n');
  if (input === '/exit') process.exit(0);
  input = '';
  becomeBusy();
  render();
}

function enter() {
  if (swallowEnters > 0) {
    swallowEnters -= 1;
    entersHandled += 1;
    return;
  }
  if (acceptDelayMs > 0) setTimeout(submit, acceptDelayMs);
  else submit();
}

/** The length of the longest end of `text` that starts `marker` (a marker cut by a read). */
function partialMarker(text, marker) {
  for (let length = Math.min(marker.length - 1, text.length); length > 0; length--) {
    if (marker.startsWith(text.slice(-length))) return length;
  }
  return 0;
}

function feed(data) {
  const text = carry + data;
  carry = '';
  let i = 0;
  while (i < text.length) {
    if (pasting) {
      const end = text.indexOf(PASTE_END, i);
      if (end === -1) {
        const keep = partialMarker(text, PASTE_END);
        input += text.slice(i, text.length - keep);
        carry = text.slice(text.length - keep);
        return;
      }
      input += text.slice(i, end);
      i = end + PASTE_END.length;
      pasting = false;
      continue;
    }
    const char = text[i];
    if (char === '\u001b') {
      const rest = text.slice(i);
      if (rest.startsWith(PASTE_START)) {
        pasting = true;
        i += PASTE_START.length;
        continue;
      }
      if (PASTE_START.startsWith(rest)) {
        carry = rest;
        return;
      }
      const sequence = /^\u001b\[[0-9;?]*[ -/]*[@-~]/u.exec(rest);
      i += sequence === null ? 1 : sequence[0].length;
      continue;
    }
    i += 1;
    if (char === '\r') enter();
    else if (char === '\u0015') input = '';
    else if (char === '\u007f' || char === '\b') input = Array.from(input).slice(0, -1).join('');
    else if (state === 'waiting' && char === '1' && input === '') state = 'idle';
    else input += char;
  }
}

process.stdin.setRawMode(true);
const decoder = new StringDecoder('utf8');
process.stdin.on('data', (chunk) => {
  feed(decoder.write(chunk));
  render();
});
if (!values['no-bracketed-paste']) process.stdout.write('\u001b[?2004h');
if (state === 'working') becomeBusy();
render();
