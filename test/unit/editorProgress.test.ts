// The editor's progress and settings through the `vscode` stand-in, which follows VS Code's rules: a
// cancellable notification can be cancelled, and settings fall back to the defaults package.json declares.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeEach, test } from 'node:test';

register('../support/vscodeLoader.ts', import.meta.url);
const { standIn } = await import('../support/vscodeStandIn');
const vscode = await import('vscode');
const { Activity } = await import('../../src/core/activity');
const { withEditorProgress } = await import('../../src/vscode/progress');
const { HouseStyleContext } = await import('../../src/vscode/context');

beforeEach(() => standIn.reset());

test('Cancel on the progress notification aborts the signal the work was given, and the activity ends', async () => {
  const activity = new Activity();
  const outcome = withEditorProgress(activity, { kind: 'indexing', label: 'Indexing' }, { title: 'Indexing docs' }, async (progress, signal) => {
    progress.report('Embedding', 1, 4);
    assert.equal(signal.aborted, false);
    const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    standIn.progress[0]!.cancel(); // the user clicks Cancel
    await aborted;
    return signal.aborted;
  });
  assert.equal(await outcome, true);
  assert.deepEqual(standIn.progress.map((p) => [p.options.title, p.options.cancellable, p.reports]), [['Indexing docs', true, [{ message: 'Embedding 1/4', increment: 25 }]]]);
  assert.deepEqual(activity.state.tasks, []);
});

test("declared defaults never override the team's config file; what the user set does", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'housestyle-settings-'));
  await mkdir(path.join(dir, '.housestyle'), { recursive: true });
  await writeFile(path.join(dir, '.housestyle', 'config.json'), JSON.stringify({ review: { k: 3 } }));
  const folder = { uri: vscode.Uri.file(dir), name: 'team', index: 0 };
  standIn.folders = [folder];
  const settings = vscode.workspace.getConfiguration('housestyle', folder.uri);
  assert.equal(settings.get('review.k'), 10, 'the stand-in knows the declared default');
  const ctx = new HouseStyleContext({ extensionPath: dir, extensionUri: folder.uri, subscriptions: [], workspaceState: { get: () => undefined, update: async () => {} } } as never);
  try {
    assert.equal((await ctx.config(folder)).review.k, 3);
    standIn.userSettings = { review: { k: 7 } };
    assert.equal((await ctx.config(folder)).review.k, 7);
    assert.equal(vscode.workspace.getConfiguration('housestyle').get('review.windowLines'), 250, 'keys the user left alone keep their defaults');
  } finally {
    ctx.dispose();
  }
});

test("the model host comes from the user's settings only; fetching off in the workspace's settings wins", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'housestyle-settings-'));
  const folder = { uri: vscode.Uri.file(dir), name: 'team', index: 0 };
  standIn.folders = [folder];
  const ctx = new HouseStyleContext({ extensionPath: dir, extensionUri: folder.uri, subscriptions: [], workspaceState: { get: () => undefined, update: async () => {} } } as never);
  try {
    standIn.workspaceSettings = { index: { modelHost: 'https://models.example.test' } };
    assert.equal((await ctx.config(folder)).index.modelHost, undefined, "a workspace's settings never choose where requests go");
    standIn.userSettings = { index: { modelHost: 'https://mirror.example.test' } };
    assert.equal((await ctx.config(folder)).index.modelHost, 'https://mirror.example.test');
    assert.equal((await ctx.config(folder)).index.fetchModel, true);
    standIn.workspaceSettings = { index: { fetchModel: false } };
    standIn.userSettings = { index: { fetchModel: true } };
    assert.equal((await ctx.config(folder)).index.fetchModel, false);
  } finally {
    ctx.dispose();
  }
});
