import assert from 'node:assert/strict';
import { register } from 'node:module';
import { test } from 'node:test';
import type { Memento } from 'vscode';

// `vscode` exists only inside the editor: the stand-in records prompts and clicks a scripted button (see vscodeStandIn.ts).
register('../support/vscodeLoader.ts', import.meta.url);
const { standIn } = (await import('vscode')) as unknown as typeof import('../support/vscodeStandIn');
const { confirmRepositoryHost } = await import('../../src/vscode/hostConsent');

/** workspaceState as VS Code keeps it: a per-workspace key-value store. */
function memento(): Memento {
  const values = new Map<string, unknown>();
  return { keys: () => [...values.keys()], get: (key: string, fallback?: unknown) => (values.has(key) ? values.get(key) : fallback), update: async (key: string, value: unknown) => void values.set(key, value) } as Memento;
}

test('the repository\'s Ollama host is used only after a yes, remembered per workspace and per host', async () => {
  standIn.reset();
  const state = memento();
  assert.equal(await confirmRepositoryHost(state, 'http://gpu-box:11434'), false, 'dismissed: not sent');
  standIn.answer = 'Send Code There';
  assert.equal(await confirmRepositoryHost(state, 'http://gpu-box:11434'), true);
  assert.equal(await confirmRepositoryHost(state, 'http://gpu-box:11434'), true, 'remembered: not asked again');
  assert.equal(standIn.shown.length, 2);
  assert.equal(standIn.shown[0]!.kind, 'warning');
  assert.deepEqual(standIn.shown[0]!.actions, ['Send Code There', 'Do Not Send']);
  assert.match(standIn.shown[0]!.message, /sends the code under review to http:\/\/gpu-box:11434, which is not this machine/);

  standIn.answer = 'Do Not Send';
  assert.equal(await confirmRepositoryHost(state, 'http://other-box:11434'), false, 'a new host is asked about again');
  assert.equal(await confirmRepositoryHost(state, 'http://other-box:11434'), false, 'and the no is remembered');
  assert.equal(standIn.shown.length, 3);
  standIn.answer = undefined;
  assert.equal(await confirmRepositoryHost(memento(), 'http://gpu-box:11434'), false, 'another workspace is asked afresh');
  assert.equal(standIn.shown.length, 4);
});
