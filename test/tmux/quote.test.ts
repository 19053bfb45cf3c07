import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { createTestServer, retryUntil, type TestServer } from '../../src/testing/index.js';
import type { TmuxClient } from '../../src/tmux/client.js';
import { ExecRunner } from '../../src/tmux/exec.js';
import { assertCarriable, escapeArgvArgument, escapeFormat, formatCommandLine, quoteArgument } from '../../src/tmux/quote.js';
import type { CommandRunner } from '../../src/tmux/runner.js';
import { carriableString, nastyString } from '../support/arbitraries.js';
import { readQuotedLine } from '../support/tmux-quoting.js';

const HUNDRED_KB = 100 * 1024;

/** Inputs that each mean something to tmux's parser, a shell or a terminal. */
const UNIT_CASES: ReadonlyArray<readonly [string, string]> = [
  ['empty string', ''],
  ['single quote', "'"],
  ['double quote', '"'],
  ['backslash', '\\'],
  ['semicolon', ';'],
  ['escaped semicolon', '\\;'],
  ['trailing semicolon', 'list-sessions;'],
  ['$HOME', '$HOME'],
  ['${HOME}', '${HOME}'],
  ['tilde', '~'],
  ['tilde path', '~/x'],
  ['format', '#{pane_id}'],
  ['format job', '#(touch /tmp/x)'],
  ['open brace', '{'],
  ['close brace', '}'],
  ['%if', '%if 1'],
  ['comment', '# not a comment'],
  ['tabs', 'a\tb\t'],
  ['CR', 'a\rb'],
  ['LF', 'a\nb\n'],
  ['DEL', 'a\u007fb'],
  ['every C0 control but NUL', Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join('')],
  ['emoji', '😀 👩‍💻'],
  ['CJK', '世界 こんにちは 한국어'],
  ['combining characters', 'e\u0301 a\u0308\u0323'],
  ['leading dash', '-t'],
  ['double dash', '--'],
  ['quotes of every kind', `it's "x" \\'y\\' "'"`],
];

const LONG_CASES: ReadonlyArray<readonly [string, string]> = [
  ['100 KB of ASCII', 'x'.repeat(HUNDRED_KB)],
  ['100 KB of quoting trouble', `;'"\\$HOME~#{a}\n\t世😀`.repeat(HUNDRED_KB / 16)],
];

describe('quoteArgument', () => {
  it.each(UNIT_CASES)('reads back %s as one word', (_label, value) => {
    const quoted = quoteArgument(value);
    expect(readQuotedLine(quoted)).toEqual([value]);
    expect(quoted).not.toMatch(/[\u0000-\u001f\u007f]/u);
  });

  it.each(LONG_CASES)('reads back %s', (_label, value) => {
    expect(readQuotedLine(quoteArgument(value))).toEqual([value]);
  });

  it('single-quotes ordinary text and escapes quotes and controls in octal', () => {
    expect(quoteArgument('')).toBe("''");
    expect(quoteArgument('plain')).toBe("'plain'");
    expect(quoteArgument("it's; kill-server")).toBe(`'it'"\\047"'s; kill-server'`);
    expect(quoteArgument("'")).toBe(`"\\047"`);
    expect(quoteArgument('a\nb')).toBe(`'a'"\\012"'b'`);
    expect(quoteArgument('\t\r\u007f')).toBe(`"\\011""\\015""\\177"`);
    expect(quoteArgument('$HOME ~ #{x} {')).toBe("'$HOME ~ #{x} {'");
    expect(quoteArgument('-t')).toBe("'-t'");
    expect(quoteArgument('世界😀')).toBe("'世界😀'");
    expect(quoteArgument('x'.repeat(HUNDRED_KB))).toHaveLength(HUNDRED_KB + 2);
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['lone high surrogate', 'a\ud800b'],
    ['lone low surrogate', '\udc00'],
    ['surrogates in the wrong order', '\udc00\ud800'],
  ])('rejects a %s with InvalidArgumentError', (_label, value) => {
    for (const encode of [quoteArgument, escapeArgvArgument, (v: string) => formatCommandLine(['set-buffer', v]), (v: string) => assertCarriable(v)]) {
      let caught: unknown;
      try {
        encode(value);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidArgumentError);
      expect((caught as InvalidArgumentError).code).toBe('ERR_INVALID_ARGUMENT');
    }
  });

  it('names what it rejected', () => {
    expect(() => assertCarriable('x\u0000', 'session name')).toThrow(/session name/u);
    expect(() => assertCarriable('a valid surrogate pair 😀')).not.toThrow();
  });

  it('never lets a raw control character or an unquoted `;`, `#`, `$`, `~`, brace or newline through', () => {
    fc.assert(
      fc.property(fc.array(nastyString(60), { minLength: 1, maxLength: 6 }), (argv) => {
        const line = formatCommandLine(argv);
        expect(line).not.toMatch(/[\u0000-\u001f\u007f]/u);
        // readQuotedLine accepts only quoted runs and octal escapes separated by single spaces.
        expect(readQuotedLine(line)).toEqual(argv);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('formatCommandLine', () => {
  it('quotes every word and joins them with spaces', () => {
    expect(formatCommandLine(['set-buffer', '-b', 'B', '--', "a; b'"])).toBe(`'set-buffer' '-b' 'B' '--' 'a; b'"\\047"`);
  });

  it('refuses an empty command', () => {
    expect(() => formatCommandLine([])).toThrow(InvalidArgumentError);
  });
});

describe('escapeArgvArgument', () => {
  it.each([
    ['', ''],
    ['plain', 'plain'],
    ['a;b', 'a;b'],
    [';', '\\;'],
    ['a;', 'a\\;'],
    [';;', ';\\;'],
    ['a\\;', 'a\\\\;'],
    ['a\\', 'a\\'],
    ['$HOME ~ #{x} {', '$HOME ~ #{x} {'],
  ])('escapes %j as %j', (value, escaped) => {
    expect(escapeArgvArgument(value)).toBe(escaped);
  });
});

describe('escapeFormat', () => {
  it.each([
    ['', ''],
    ['plain', 'plain'],
    ['#', '##'],
    ['a#', 'a##'],
    ['##', '####'],
    ['#{pane_id}', '##{pane_id}'],
    ['#(touch x)', '##(touch x)'],
    ['#S #W', '##S ##W'],
    ['#,#}', '##,##}'],
    ['#[fg=red]', '#[fg=red]'],
    ['##[', '##['],
    ['# [', '## ['],
    ['#{#[x]}', '##{#[x]}'],
  ])('escapes %j as %j', (value, escaped) => {
    expect(escapeFormat(value)).toBe(escaped);
  });
});

describe('round trip through a real tmux server', () => {
  let tmux: TestServer;
  let client: TmuxClient;
  let exec: ExecRunner;
  /** A file that exists only if some argument ran as a command. */
  let pwned: string;
  let roundTrips = 0;

  beforeAll(async () => {
    tmux = await createTestServer();
    client = await tmux.connect();
    exec = new ExecRunner(tmux.server);
    pwned = join(tmux.directory, 'pwned');
  });

  afterAll(async () => {
    await client?.close();
    await tmux?.kill();
  });

  const injections = (): string[] => [
    '; kill-server',
    'x ; kill-server',
    `#(touch ${pwned})`,
    `$(touch ${pwned})`,
    `\`touch ${pwned}\``,
    `'; run-shell "touch ${pwned}"`,
    `"; run-shell 'touch ${pwned}'; "`,
    '\\"; kill-server; \\"',
    `\\'; run-shell 'touch ${pwned}' \\;`,
    `\n run-shell "touch ${pwned}"`,
    `%if 1\nrun-shell "touch ${pwned}"\n%endif`,
    `{\nrun-shell "touch ${pwned}"\n}`,
    `; run-shell "touch ${pwned}";`,
  ];

  /**
   * Sets each value as a paste buffer through `via` (pipelined, all at once),
   * saves the buffer to a file over the control connection, and returns every
   * value whose file does not hold exactly its UTF-8 bytes.
   */
  async function mismatches(values: readonly string[], via: CommandRunner): Promise<{ value: string; got: string }[]> {
    const results = await Promise.all(
      values.map(async (value) => {
        const id = roundTrips++;
        const file = join(tmux.directory, `buffer-${id}`);
        try {
          await via.run(['set-buffer', '-b', `rt${id}`, '--', value]);
          await client.run(['save-buffer', '-b', `rt${id}`, file]);
          const saved = await readFile(file);
          await rm(file);
          return saved.equals(Buffer.from(value, 'utf8')) ? undefined : { value, got: saved.toString('utf8') };
        } catch (error) {
          return { value, got: `error: ${(error as Error).message}` };
        }
      }),
    );
    return results.filter((result) => result !== undefined);
  }

  it('detects a command that did run (positive control for the injection checks)', async () => {
    const control = join(tmux.directory, 'control');
    await client.run(['run-shell', `touch ${control}`]);
    await retryUntil(() => existsSync(control), { description: 'run-shell to create the control file' });
  });

  it('carries an empty string as one empty argument', async () => {
    await client.run(['set-option', '-s', '@empty', '']);
    expect(await client.run(['show-options', '-s', '-v', '@empty'])).toEqual(['']);
  });

  it('round-trips every unit case and 100 KB strings over the control connection', async () => {
    const values = [...UNIT_CASES, ...LONG_CASES].map(([, value]) => value).filter((value) => value !== '');
    expect(await mismatches(values, client)).toEqual([]);
  });

  it('carries injection attempts over the control connection as data only', async () => {
    expect(await mismatches(injections(), client)).toEqual([]);
    expect(await client.run(['display-message', '-p', 'still here'])).toEqual(['still here']);
    expect(existsSync(pwned)).toBe(false);
  });

  it('round-trips thousands of generated strings over the control connection', async () => {
    const value = fc
      .oneof(
        { weight: 60, arbitrary: nastyString(120, injections()) },
        { weight: 1, arbitrary: carriableString(5000) },
      )
      .filter((v) => v !== '');
    let generated = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 250, maxLength: 250 }), async (values) => {
        generated += values.length;
        expect(await mismatches(values, client)).toEqual([]);
      }),
      { numRuns: 12, endOnFailure: true },
    );
    expect(generated).toBe(3000);
  });

  it('round-trips the unit cases and injection attempts through the argument-vector form', async () => {
    const argvCases = [';', 'a;', ';;', 'a\\;', '\\;', 'a\\', '{', '}', '{ x }'];
    const values = [...UNIT_CASES.map(([, value]) => value), ...argvCases, ...injections()].filter((value) => value !== '');
    expect(await mismatches(values, exec)).toEqual([]);
    expect(await client.run(['display-message', '-p', 'still here'])).toEqual(['still here']);
    expect(existsSync(pwned)).toBe(false);
  });

  it('round-trips hundreds of generated strings through the argument-vector form', async () => {
    // One process per string, so fewer of them; short enough for tmux's command-size limit.
    const value = nastyString(80, [...injections(), ';']).filter((v) => v !== '');
    let generated = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 25, maxLength: 25 }), async (values) => {
        generated += values.length;
        expect(await mismatches(values, exec)).toEqual([]);
      }),
      { numRuns: 8, endOnFailure: true },
    );
    expect(generated).toBe(200);
  });

  /**
   * Text that is a tmux format only when unescaped. Window names are stored
   * sanitised (control characters, `\` and `$` before a letter come back
   * vis-encoded), so those stay out.
   */
  const formatText = (): fc.Arbitrary<string> =>
    fc
      .array(
        fc.constantFrom('#', '##', '###', '[', ']', '{', '}', '(', ')', ',', '#{', '#(', '#[', '##[', '#{?1,a,b}', 'S', 'W', 'T', 'h', 'a', ' ', '%', '%%', 'é', '世', ':', '?', `#(touch ${pwned})`),
        { minLength: 1, maxLength: 12 },
      )
      .map((tokens) => tokens.join(''));

  it('keeps escaped text literal where tmux expands formats', async () => {
    const [window] = await client.run(['new-window', '-d', '-P', '-F', '#{window_id}', 'sleep 1000']);
    const values = [...fc.sample(formatText(), { numRuns: 1000, seed: 42 }), ...fc.sample(formatText(), 1000)];
    // Both commands of a pair are sent before the next pair, and tmux runs them in order.
    const names = await Promise.all(
      values.map(async (value) => {
        const renamed = client.run(['rename-window', '-t', window as string, '--', escapeFormat(value)]);
        const read = client.run(['display-message', '-p', '-t', window as string, '#{window_name}']);
        await renamed;
        return (await read).join('\n');
      }),
    );
    expect(values.filter((value, i) => names[i] !== value)).toEqual([]);
  });

  it('keeps escaped window names, session names and working directories literal', async () => {
    const cases = ['#{session_id}', `#(touch ${pwned})`, 'a#', '#[fg=red] ##[x] #S', 'dir #{pane_id} ##,#}'];
    for (const value of cases) {
      const directory = join(tmux.directory, value.replaceAll('/', '|'));
      await mkdir(directory);
      const [created] = await client.run([
        'new-session', '-d', '-P', '-F', '#{pane_id}', '-s', escapeFormat(value.replaceAll(/[:.]/gu, '_')),
        '-n', escapeFormat(value), '-c', escapeFormat(directory), 'sleep 1000',
      ]);
      const format = ['#{session_name}', '#{window_name}', '#{pane_start_path}'].join('\u001f');
      const [names] = await client.run(['display-message', '-p', '-t', created as string, format]);
      expect(names?.split('\u001f')).toEqual([value.replaceAll(/[:.]/gu, '_'), value, directory]);
    }
    expect(existsSync(pwned)).toBe(false);
  });

  it('never ran an injected command', async () => {
    expect(await client.run(['display-message', '-p', 'still here'])).toEqual(['still here']);
    expect(existsSync(pwned)).toBe(false);
  });
});
