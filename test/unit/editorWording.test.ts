import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { register } from 'node:module';
import * as path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { FIX_STEPS } from '../../src/core/errors';

// The editor shows a core error's message, and instead of its hint (written for the command line) the error's
// fix steps in VS Code's terms. So no message may speak CLI, and a hint that does must come with fix steps.
// Read from the source rather than from errors raised, so an error no test provokes is held to it too.

register('../support/vscodeLoader.ts', import.meta.url);
const { fixSentence } = await import('../../src/vscode/fixSteps');

const root = path.resolve(import.meta.dirname, '../..');
/** A flag (`--model`), a CLI command (`housestyle model use`), or Markdown's code quotes, which a toast shows as they are. */
const CLI_WORDING = /(^|[\s("'])--[a-z]|\bhousestyle [a-z]|`/;

async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(path.join(root, folder), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name));
}

/** The text an expression can produce: its literals, with constants followed to their values when they hold text. */
function literalText(node: ts.Node, checker: ts.TypeChecker, seen = new Set<ts.Node>()): string {
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((span) => `${literalText(span.expression, checker, seen)}${span.literal.text}`)].join('');
  if (ts.isIdentifier(node)) {
    const value = constantValue(node, checker);
    if (!value || seen.has(value)) return '';
    seen.add(value);
    return literalText(value, checker, seen);
  }
  const parts: string[] = [];
  node.forEachChild((child) => void parts.push(literalText(child, checker, seen)));
  return parts.join(' ');
}

/** What a name stands for, when it is a variable set once to text (a hint kept in a constant), else nothing. */
function constantValue(name: ts.Identifier, checker: ts.TypeChecker): ts.Expression | undefined {
  const declaration = checker.getSymbolAtLocation(name)?.valueDeclaration;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
  const value = declaration.initializer;
  const text = (node: ts.Expression): boolean =>
    ts.isStringLiteralLike(node) || ts.isTemplateExpression(node) || ts.isIdentifier(node) || (ts.isParenthesizedExpression(node) && text(node.expression)) || (ts.isConditionalExpression(node) && text(node.whenTrue) && text(node.whenFalse)) || (ts.isBinaryExpression(node) && text(node.left) && text(node.right));
  return ts.isObjectLiteralExpression(value) || text(value) ? value : undefined;
}

/** Whether every way the options argument (or the fix steps themselves, for a cancellation) can turn out names fix steps. */
function namesFixSteps(node: ts.Expression | undefined, checker: ts.TypeChecker): boolean {
  if (!node) return false;
  if (ts.isArrayLiteralExpression(node)) return node.elements.length > 0;
  if (ts.isParenthesizedExpression(node)) return namesFixSteps(node.expression, checker);
  if (ts.isConditionalExpression(node)) return namesFixSteps(node.whenTrue, checker) && namesFixSteps(node.whenFalse, checker);
  if (ts.isIdentifier(node)) return namesFixSteps(constantValue(node, checker), checker);
  if (!ts.isObjectLiteralExpression(node)) return false;
  return node.properties.some((p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && ts.isIdentifier(p.name) && p.name.text === 'fix');
}

/** Where an error is made, with the arguments that are its message, its hint and its options (or fix steps). */
const MAKERS: Record<string, { message: number; hint: number; options?: number }> = {
  HouseStyleError: { message: 0, hint: 1, options: 3 },
  cancellationError: { message: 0, hint: 1, options: 3 },
  throwIfCancelled: { message: 1, hint: 2, options: 3 },
};

interface Made {
  where: string;
  message: string;
  hint: string;
  fix: boolean;
}

async function errorsMadeIn(folder: string): Promise<Made[]> {
  const made: Made[] = [];
  // Names resolve within each file only: enough for the constants hints are kept in.
  const program = ts.createProgram(await sourceFiles(folder), { noResolve: true, noLib: true, types: [] });
  const checker = program.getTypeChecker();
  for (const file of program.getSourceFiles()) {
    const name = file.fileName;
    const visit = (node: ts.Node): void => {
      if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && Object.hasOwn(MAKERS, node.expression.text)) {
        const maker = MAKERS[node.expression.text]!;
        const args = node.arguments ?? ts.factory.createNodeArray();
        const text = (index: number) => (args[index] ? literalText(args[index], checker) : '');
        const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
        made.push({ where: `${path.relative(root, name)}:${line}`, message: text(maker.message), hint: text(maker.hint), fix: maker.options !== undefined && namesFixSteps(args[maker.options], checker) });
      }
      node.forEachChild(visit);
    };
    visit(file);
  }
  return made;
}

test('no error the editor can show speaks CLI: messages never, hints only with fix steps the editor words itself', async () => {
  const core = await errorsMadeIn('src/core');
  assert.ok(core.length > 100, 'the core errors were found');
  const violations = [
    ...core.filter((e) => CLI_WORDING.test(e.message)).map((e) => `${e.where} message: ${e.message}`),
    ...core.filter((e) => CLI_WORDING.test(e.hint) && !e.fix).map((e) => `${e.where} hint without fix steps: ${e.hint}`),
    ...(await errorsMadeIn('src/vscode')).filter((e) => CLI_WORDING.test(`${e.message} ${e.hint}`)).map((e) => `${e.where}: ${e.message} ${e.hint}`),
  ];
  assert.deepEqual(violations, []);
});

test("every fix step's editor wording is free of CLI words", () => {
  for (const step of FIX_STEPS) assert.doesNotMatch(fixSentence([step]), CLI_WORDING, step);
});
