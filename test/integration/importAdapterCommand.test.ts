// The editor's Import Adapter command through the `vscode` stand-in (which follows VS Code's rules: Cancel exists only
// on a cancellable notification) against the Ollama-API test server: conversion and upload show MB, percent and
// MB/s in the notification, and Cancel at either stage leaves nothing registered, uploaded or half-written.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { writePeftAdapter } from '../support/peftAdapter';
import { startOllamaTestServer, type OllamaTestServer } from '../support/ollamaTestServer';

register('../support/vscodeLoader.ts', import.meta.url);
const { standIn } = await import('../support/vscodeStandIn');
const vscode = await import('vscode');
const { Activity } = await import('../../src/core/activity');
const { HouseStyleError } = await import('../../src/core/errors');
const { readRegistry } = await import('../../src/core/models/registry');
const { WorkspaceService } = await import('../../src/core/service/workspaceService');
const { modelCommands } = await import('../../src/vscode/models/modelCommands');
const { REPO_ROOT } = await import('../support/cli');

const BASE = 'qwen2.5-coder:7b';
/** Phase, then "X of Y MB, P%" and the rate once time has passed: what byteProgress says. */
const BYTES = /^(Converting to GGUF|Uploading adapter\.gguf): \d+\.\d of \d+\.\d MB, \d+%(, \d+\.\d MB\/s)?$/;

let root: string;
let server: OllamaTestServer;
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'housestyle-import-command-'));
  server = await startOllamaTestServer({ models: [BASE] });
});
after(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => standIn.reset());

let counter = 0;
/** Runs the command as the user would: picks the adapter folder, accepts the base, and watches the notification. */
async function importFromEditor(): Promise<{ workspace: string; outcome: Promise<unknown> }> {
  const workspace = path.join(root, `ws-${++counter}`);
  await mkdir(path.join(workspace, '.housestyle'), { recursive: true });
  await writeFile(path.join(workspace, '.housestyle', 'config.json'), JSON.stringify({ ollama: { host: server.host, model: BASE } }));
  // 24 layers of q_proj at qwen2.5-coder:7b's hidden size, rank 16: 11 MB, so both stages report many times;
  // its own fill, so Ollama does not already hold its blob.
  const adapter = path.join(root, `adapter-${counter}`);
  await writePeftAdapter(adapter, { rank: 16, alpha: 32, layers: 24, fill: counter });
  standIn.openDialogAnswers.push([vscode.Uri.file(adapter)]);
  standIn.inputAnswers.push(BASE);
  const service = new WorkspaceService({ workspace, extensionRoot: REPO_ROOT });
  const handler = modelCommands['housestyle.importAdapter']!.run({ activity: new Activity() } as never, { modelsChanged() {} } as never);
  return { workspace, outcome: Promise.resolve(handler({ folder: { uri: vscode.Uri.file(workspace) }, service } as never)) };
}

const messages = () => standIn.progress.flatMap((p) => p.reports.map((r) => r.message ?? ''));

test('conversion and upload show MB, percent and rate in a cancellable notification, and the version is registered', async () => {
  const { workspace, outcome } = await importFromEditor();
  await outcome;
  assert.deepEqual(standIn.progress.map((p) => [p.options.title, p.options.cancellable]), [['House Style: importing the adapter into Ollama', true]]);
  const converting = messages().filter((m) => m.startsWith('Converting'));
  const uploading = messages().filter((m) => m.startsWith('Uploading'));
  assert.ok(converting.length > 1 && uploading.length > 1, messages().join('\n'));
  for (const message of [...converting, ...uploading]) assert.match(message, BYTES);
  assert.match(uploading.at(-1)!, / of (\d+\.\d) MB, 100%/);
  assert.equal((await readRegistry(workspace)).models.length, 1);
});

for (const stage of ['Converting', 'Uploading'] as const) {
  test(`Cancel while ${stage.toLowerCase()} stops there and leaves nothing registered, uploaded or half-written`, async () => {
    const blobsBefore = server.blobs.size;
    const modelsBefore = server.models.size;
    standIn.onProgressReport = (shown, value) => {
      if (value.message?.startsWith(stage)) shown.cancel(); // the user clicks Cancel
    };
    const { workspace, outcome } = await importFromEditor();
    await assert.rejects(outcome, (e: InstanceType<typeof HouseStyleError>) => e.code === 'cancelled');
    const later = stage === 'Converting' ? /^(Uploading|Creating)/ : /^Creating/;
    assert.ok(!messages().some((m) => later.test(m)), `no stage after ${stage.toLowerCase()} began: ${messages().join('; ')}`);
    assert.deepEqual((await readRegistry(workspace)).models, []);
    assert.equal(server.blobs.size, blobsBefore, 'Ollama stored no blob');
    assert.equal(server.models.size, modelsBefore, 'Ollama built no model');
    assert.deepEqual(await readdir(path.join(workspace, '.housestyle', 'adapters')).catch(() => []), [], 'no GGUF file, whole or partial, is left');
  });
}
