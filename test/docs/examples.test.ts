import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

// The documentation contract of the public API: every value export (class,
// function, const) of the two entry points has TSDoc with an `@example`, and
// every type export has at least a doc comment.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRY_POINTS = ['src/index.ts', 'src/testing/index.ts'];

interface PublicExport {
  /** `entry: name`, for failure messages. */
  readonly label: string;
  /** Declarations of the exported value (empty for a type-only export). */
  readonly values: readonly ts.Declaration[];
  /** Every declaration of the exported symbol. */
  readonly declarations: readonly ts.Declaration[];
}

function isValueDeclaration(node: ts.Declaration): boolean {
  return ts.isClassDeclaration(node) || ts.isFunctionDeclaration(node) || ts.isVariableDeclaration(node) || ts.isEnumDeclaration(node);
}

/** Whether `alias` is re-exported with `export type { … }` or `export { type … }`. */
function isTypeOnlyExport(alias: ts.Symbol): boolean {
  return (alias.declarations ?? []).some((node) => ts.isExportSpecifier(node) && (node.isTypeOnly || node.parent.parent.isTypeOnly));
}

function loadPublicExports(): PublicExport[] {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.build.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  // Only symbols and doc comments are read, never checked: leaving out the
  // standard library and `@types/node` halves the files parsed.
  const program = ts.createProgram(
    ENTRY_POINTS.map((entry) => join(ROOT, entry)),
    { ...options, noEmit: true, noLib: true, types: [] },
  );
  const checker = program.getTypeChecker();
  const found: PublicExport[] = [];
  for (const entry of ENTRY_POINTS) {
    const source = program.getSourceFile(join(ROOT, entry));
    const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    if (moduleSymbol === undefined) throw new Error(`Cannot load ${entry}`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const isAlias = (exported.flags & ts.SymbolFlags.Alias) !== 0;
      const target = isAlias ? checker.getAliasedSymbol(exported) : exported;
      const declarations = target.declarations ?? [];
      const typeOnly = isAlias && isTypeOnlyExport(exported);
      found.push({
        label: `${entry}: ${exported.name}`,
        values: typeOnly ? [] : declarations.filter(isValueDeclaration),
        declarations,
      });
    }
  }
  return found;
}

function hasExample(node: ts.Declaration): boolean {
  return ts.getJSDocTags(node).some((tag) => tag.tagName.text === 'example');
}

function hasDocComment(node: ts.Declaration): boolean {
  return ts.getJSDocCommentsAndTags(node).length > 0;
}

function where(node: ts.Declaration): string {
  const file = node.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(node.getStart());
  return `${relative(ROOT, file.fileName)}:${line + 1}`;
}

const publicExports = loadPublicExports();

it('finds the public exports of both entry points', () => {
  for (const entry of ENTRY_POINTS) {
    expect(publicExports.filter((e) => e.label.startsWith(`${entry}:`)).length, entry).toBeGreaterThan(0);
  }
  expect(publicExports.some((e) => e.label === 'src/index.ts: Orchestrator' && e.values.length > 0)).toBe(true);
  expect(publicExports.some((e) => e.label === 'src/testing/index.ts: createTestServer' && e.values.length > 0)).toBe(true);
});

it('gives every exported class, function and const an @example', () => {
  const missing = publicExports
    .filter((e) => e.values.length > 0 && !e.values.some(hasExample))
    .map((e) => `${e.label} (${e.values.map(where).join(', ')})`);
  expect(missing, 'exports without an @example').toEqual([]);
});

it('documents every exported type', () => {
  const missing = publicExports
    .filter((e) => e.values.length === 0 && e.declarations.length > 0 && !e.declarations.some(hasDocComment))
    .map((e) => `${e.label} (${e.declarations.map(where).join(', ')})`);
  expect(missing, 'exports without a doc comment').toEqual([]);
});
