/**
 * Typed rows from tmux `-F` templates.
 *
 * A row template joins format variables with the unit separator (0x1f).
 * tmux sanitises names and titles (control characters are stored escaped),
 * but a working directory may hold any byte, including the separator or a
 * newline. So only the last field of a row may hold free text: it takes the
 * rest of the line, and a following line that does not start a new row (its
 * first field is not an id, or it has too few fields) is joined to it with a
 * newline.
 *
 * @module
 */
import { TmuxProtocolError } from '../errors.js';

/**
 * The field separator in row templates.
 *
 * @example
 * const row = defineRow({ id: text('#{pane_id}'), pid: integer('#{pane_pid}') });
 * row.template === `#{pane_id}${FIELD_SEPARATOR}#{pane_pid}`; // true
 */
export const FIELD_SEPARATOR = '\u001f';

/** One field of a row: the tmux format and how to read its value. */
export interface FieldSpec<T> {
  /** The tmux format, e.g. `#{pane_id}`. */
  readonly format: string;
  /** Converts tmux's text to the field's value. */
  readonly parse: (value: string) => T;
}

/** The row type a spec describes. */
export type RowOf<Spec extends Record<string, FieldSpec<unknown>>> = {
  -readonly [K in keyof Spec]: Spec[K] extends FieldSpec<infer T> ? T : never;
};

/** A compiled row template. */
export interface RowFormat<Row> {
  /** The `-F` template to pass to tmux. */
  readonly template: string;
  /** Parses a command's output lines into rows. */
  parse(lines: readonly string[]): Row[];
}

/**
 * A field holding text as tmux printed it.
 *
 * @example
 * const row = defineRow({ id: text('#{window_id}'), name: text('#{window_name}') }); // name: string
 */
export function text(format: string): FieldSpec<string> {
  return { format, parse: (value) => value };
}

/**
 * A field holding a non-negative integer.
 *
 * @example
 * const row = defineRow({ id: text('#{pane_id}'), pid: integer('#{pane_pid}') }); // pid: number
 */
export function integer(format: string): FieldSpec<number> {
  return {
    format,
    parse: (value) => {
      if (!/^\d+$/u.test(value)) throw new TmuxProtocolError(`expected an integer for ${format}, got ${JSON.stringify(value)}`);
      return Number(value);
    },
  };
}

/**
 * A field holding an integer that tmux leaves empty when it does not apply.
 *
 * @example
 * const row = defineRow({ id: text('#{pane_id}'), status: optionalInteger('#{pane_dead_status}') }); // status: number | undefined
 */
export function optionalInteger(format: string): FieldSpec<number | undefined> {
  const inner = integer(format);
  return { format, parse: (value) => (value === '' ? undefined : inner.parse(value)) };
}

/**
 * A field holding a tmux flag (`1` or `0`).
 *
 * @example
 * const row = defineRow({ id: text('#{pane_id}'), dead: flag('#{pane_dead}') }); // dead: boolean
 */
export function flag(format: string): FieldSpec<boolean> {
  return { format, parse: (value) => value === '1' };
}

/**
 * Compiles a row spec. The first field must be an id (`$N`, `@N` or `%N`):
 * a line starts a row when it begins with an id and holds every field, so a
 * continuation line that merely begins like an id (a path `x\n%1`) is still
 * joined to the row before it.
 *
 * @example
 * const rows = defineRow({ id: text('#{pane_id}'), path: text('#{pane_current_path}') });
 * const panes = rows.parse(await client.run(['list-panes', '-a', '-F', rows.template]));
 */
export function defineRow<Spec extends Record<string, FieldSpec<unknown>>>(spec: Spec): RowFormat<RowOf<Spec>> {
  const keys = Object.keys(spec) as (keyof Spec & string)[];
  const fields = keys.map((key) => spec[key] as FieldSpec<unknown>);
  const template = fields.map((field) => field.format).join(FIELD_SEPARATOR);
  const idPattern = /^[$@%]\d+$/u;

  const toRow = (values: readonly string[]): RowOf<Spec> => {
    const row: Record<string, unknown> = {};
    keys.forEach((key, i) => {
      row[key] = (fields[i] as FieldSpec<unknown>).parse(values[i] as string);
    });
    return row as RowOf<Spec>;
  };

  return {
    template,
    parse(lines) {
      const rows: RowOf<Spec>[] = [];
      let current: string[] | undefined;
      for (const line of lines) {
        const values = splitFields(line, fields.length);
        if (current !== undefined && (values === undefined || !idPattern.test(values[0] as string))) {
          current[fields.length - 1] += `\n${line}`; // a continuation of the last field
          continue;
        }
        if (values === undefined) throw new TmuxProtocolError(`expected ${fields.length} fields in row ${JSON.stringify(line)}`);
        if (current !== undefined) rows.push(toRow(current));
        current = values;
      }
      if (current !== undefined) rows.push(toRow(current));
      return rows;
    },
  };
}

/** Splits into exactly `count` fields, the last taking the rest; `undefined` if there are too few. */
function splitFields(line: string, count: number): string[] | undefined {
  const values: string[] = [];
  let start = 0;
  for (let i = 0; i < count - 1; i++) {
    const end = line.indexOf(FIELD_SEPARATOR, start);
    if (end === -1) return undefined;
    values.push(line.slice(start, end));
    start = end + 1;
  }
  values.push(line.slice(start));
  return values;
}
