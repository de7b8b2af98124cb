import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Finding } from '../../src/core/review/finding';

// `vscode` exists only inside the editor: the stand-in gives the diagnostics collection, documents and files.
register('../support/vscodeLoader.ts', import.meta.url);
const { standIn } = await import('../support/vscodeStandIn');
const vscode = await import('vscode');
const { FindingsStore } = await import('../../src/vscode/review/findingsStore');
/** The open documents (the stand-in's workspace.textDocuments). */
const documents = vscode.workspace.textDocuments as unknown[];

/** A Memento as VS Code's workspaceState: values kept as JSON, so what survives a reload is what serialises. */
function memento(): { get<T>(key: string, fallback?: T): T; update(key: string, value: unknown): Promise<void>; keys(): string[] } {
  const values = new Map<string, string>();
  return {
    get: <T>(key: string, fallback?: T) => (values.has(key) ? (JSON.parse(values.get(key)!) as T) : (fallback as T)),
    update: async (key, value) => void (value === undefined ? values.delete(key) : values.set(key, JSON.stringify(value))),
    keys: () => [...values.keys()],
  };
}

function openDocument(file: string) {
  const lines = () => readFileSync(file, 'utf8').split('\n');
  const document = {
    uri: vscode.Uri.file(file),
    getText: () => lines().join('\n'),
    get lineCount() {
      return lines().length;
    },
    lineAt: (line: number) => ({ text: lines()[line] ?? '' }),
  };
  documents.push(document);
  return document;
}

const finding: Finding = { path: 'src/a.ts', rule: 'Never use var', severity: 'error', startLine: 1, endLine: 1, message: 'Use const.', citations: [] };

beforeEach(() => {
  standIn.reset();
  documents.length = 0;
});

test('findings survive a window reload while the file is as reviewed, and are dropped once it changed', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'hs-findings-'));
  const file = path.join(root, 'src', 'a.ts');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'var cache = {};\nexport {};\n');
  const folder = { uri: vscode.Uri.file(root), name: 'acme', index: 0 };
  standIn.folders = [folder];
  const state = memento();

  const before = new FindingsStore(state as never);
  const document = openDocument(file);
  before.show(folder as never, document as never, [finding], 'qwen2.5-coder:7b');
  before.dispose();
  await new Promise((resolve) => setImmediate(resolve));

  // The reload: a new window's store, the same workspace state.
  documents.length = 0;
  const after = new FindingsStore(state as never);
  await after.restore();
  assert.deepEqual(after.find(vscode.Uri.file(file), () => true)?.shown, { finding, code: 'var cache = {};', model: 'qwen2.5-coder:7b' });

  writeFileSync(file, 'const cache = {};\nexport {};\n');
  const changed = new FindingsStore(state as never);
  await changed.restore();
  assert.equal(changed.has(vscode.Uri.file(file)), false, 'the file changed since its review: its findings are stale');
  const again = new FindingsStore(state as never);
  writeFileSync(file, 'var cache = {};\nexport {};\n');
  await again.restore();
  assert.equal(again.has(vscode.Uri.file(file)), false, 'stale findings were dropped from the state, not only hidden');
});
