import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TmuxProtocolError } from '../../src/errors.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';
import type { TmuxClient } from '../../src/tmux/client.js';
import { defineRow, FIELD_SEPARATOR, flag, integer, optionalInteger, text } from '../../src/tmux/formats.js';
import { unicodeText } from '../support/arbitraries.js';

const US = FIELD_SEPARATOR;
const row = (...fields: string[]): string => fields.join(US);

const PANE = defineRow({
  id: text('#{pane_id}'),
  index: integer('#{pane_index}'),
  active: flag('#{pane_active}'),
  status: optionalInteger('#{pane_dead_status}'),
  path: text('#{pane_current_path}'),
});

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('defineRow', () => {
  it('joins the formats with the unit separator', () => {
    expect(US).toBe('\u001f');
    expect(PANE.template).toBe(['#{pane_id}', '#{pane_index}', '#{pane_active}', '#{pane_dead_status}', '#{pane_current_path}'].join('\u001f'));
  });

  it('parses typed fields', () => {
    expect(PANE.parse([row('%1', '0', '1', '', '/home/x'), row('%22', '13', '0', '127', '/'), row('%3', '2', '', '0', '')])).toEqual([
      { id: '%1', index: 0, active: true, status: undefined, path: '/home/x' },
      { id: '%22', index: 13, active: false, status: 127, path: '/' },
      { id: '%3', index: 2, active: false, status: 0, path: '' },
    ]);
    expect(PANE.parse([])).toEqual([]);
  });

  it('lets the last field absorb extra separators', () => {
    expect(PANE.parse([row('%1', '0', '1', '', '/a', 'b', '', 'c')])).toEqual([
      { id: '%1', index: 0, active: true, status: undefined, path: `/a${US}b${US}${US}c` },
    ]);
  });

  it('joins continuation lines to the last field with newlines', () => {
    expect(PANE.parse([row('%1', '0', '1', '', '/a'), 'line two', '', 'line four', row('%2', '1', '0', '', '/b'), ''])).toEqual([
      { id: '%1', index: 0, active: true, status: undefined, path: '/a\nline two\n\nline four' },
      { id: '%2', index: 1, active: false, status: undefined, path: '/b\n' },
    ]);
  });

  it('joins a continuation line that begins like a row but holds too few fields', () => {
    expect(PANE.parse([row('%1', '0', '1', '', '/tmp/a'), row('%1', 'b'), '$1', '@2', row('%3', '0', '1', '')])).toEqual([
      { id: '%1', index: 0, active: true, status: undefined, path: `/tmp/a\n%1${US}b\n$1\n@2\n%3${US}0${US}1${US}` },
    ]);
  });

  it('throws TmuxProtocolError for too few fields', () => {
    const error = thrown(() => PANE.parse([row('%1', '0', '1')]));
    expect(error).toBeInstanceOf(TmuxProtocolError);
    expect((error as TmuxProtocolError).code).toBe('ERR_TMUX_PROTOCOL');
    expect(() => PANE.parse(['not a row'])).toThrow(/expected 5 fields/u);
  });

  it.each(['x', '', '-1', '1.5', ' 1', '0x10'])('throws TmuxProtocolError for the integer %j', (value) => {
    expect(thrown(() => PANE.parse([row('%1', value, '1', '', '/')]))).toBeInstanceOf(TmuxProtocolError);
  });

  it('reads an empty optional integer as undefined and rejects other non-integers', () => {
    expect(optionalInteger('#{x}').parse('')).toBeUndefined();
    expect(optionalInteger('#{x}').parse('42')).toBe(42);
    expect(() => optionalInteger('#{x}').parse('n/a')).toThrow(TmuxProtocolError);
  });

  it('reads back any free text in the last field', () => {
    const ROW = defineRow({ id: text('#{pane_id}'), index: integer('#{pane_index}'), path: text('#{pane_current_path}') });
    // A continuation line that begins with an id and holds every field is a row: no parser can tell.
    const forgesRow = (value: string): boolean => value.split('\n').slice(1).some((line) => /^[$@%]\d+\u001f[^\u001f]*\u001f/u.test(line));
    const entry = fc.record({
      id: fc.nat({ max: 9999 }).map((n) => `%${n}`),
      index: fc.nat({ max: 9999 }),
      path: unicodeText(40).filter((value) => !forgesRow(value)),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 6 }), (rows) => {
        const lines = rows.map((r) => row(r.id, String(r.index), r.path)).join('\n').split('\n');
        expect(ROW.parse(rows.length === 0 ? [] : lines)).toEqual(rows);
      }),
      { numRuns: 500 },
    );
  });
});

describe('rows from a real tmux server', () => {
  let tmux: TestServer;
  let client: TmuxClient;

  beforeAll(async () => {
    tmux = await createTestServer();
    client = await tmux.connect();
  });

  afterAll(async () => {
    await client?.close();
    await tmux?.kill();
  });

  it('reads working directories holding the separator, newlines, spaces and any characters', async () => {
    const names = [
      `we ird${US}dir\nline two 世界 é`,
      `x\n%1${US}y`,
      'ends with a newline\n',
      'tab\there\\back\u007f\u0001ctl $HOME ~ ;',
    ];
    const expected = new Map<string, string>();
    for (const name of names) {
      const directory = join(tmux.directory, name);
      await mkdir(directory);
      const { paneId } = await client.newSession({ cwd: directory, command: ['sleep', '1000'] });
      expected.set(paneId, directory);
    }
    const paths = await retryUntil(
      async () => {
        const panes = await client.listPanes();
        const found = new Map(panes.map((pane) => [pane.id, pane.currentPath]));
        return [...expected].every(([id, path]) => found.get(id) === path) ? found : undefined;
      },
      { description: 'every pane to report its working directory' },
    );
    expect(paths).toEqual(expected);
  });
});
