import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ERROR_CODES, HouseStyleError, type ErrorCode } from '../../src/core/errors';

// `vscode` exists only inside the editor: the stand-in records what the presenter shows and runs.
register('../support/vscodeLoader.ts', import.meta.url);
const { standIn } = await import('../support/vscodeStandIn');
const vscode = await import('vscode');
const { ErrorPresenter } = await import('../../src/vscode/errors');

let pulls = 0;
const presenter = () => new ErrorPresenter({ output: vscode.window.createOutputChannel('House Style', { log: true }) as never, pullModel: async () => void pulls++ });

beforeEach(() => {
  standIn.reset();
  pulls = 0;
});

// What a user must be offered, written out here rather than read from the product's table.
const expected: Partial<Record<ErrorCode, string[]>> = {
  'ollama-unreachable': ['Open Settings', 'Show Log'],
  'model-not-found': ['Pull Model', 'Open Settings'],
  'model-too-large': ['Open Settings'],
  untrusted: ['Manage Workspace Trust'],
  'index-missing': ['Index Workspace'],
  'index-unavailable': ['Rebuild Index', 'Show Log'],
  config: ['Open Settings', 'Show Log'],
  usage: [],
  git: ['Show Log'],
};

test('each error code is shown as one line with the actions that fix it, the same from every caller', async () => {
  for (const [code, actions] of Object.entries(expected)) {
    standIn.reset();
    await presenter().present(new HouseStyleError(`Something about ${code}.`, 'Do this.', code as ErrorCode));
    assert.deepEqual(standIn.shown, [{ kind: 'error', message: `House Style: Something about ${code}. Do this.`, actions }], code);
  }
  // Every code has a decision, and none offers an action twice.
  for (const code of ERROR_CODES.filter((c) => c !== 'cancelled')) {
    standIn.reset();
    await presenter().present(new HouseStyleError('x', undefined, code));
    const actions = standIn.shown[0]!.actions;
    assert.equal(new Set(actions).size, actions.length, code);
  }
});

test('choosing an action runs it: settings for the failing area, trust management, index rebuild, model pull, the log', async () => {
  const cases: [ErrorCode, string, { command?: string; args?: unknown[]; pulled?: number; log?: number }][] = [
    ['ollama-unreachable', 'Open Settings', { command: 'workbench.action.openSettings', args: ['housestyle.ollama'] }],
    ['embedder-unavailable', 'Open Settings', { command: 'workbench.action.openSettings', args: ['housestyle.index'] }],
    ['untrusted', 'Manage Workspace Trust', { command: 'workbench.trust.manage', args: [] }],
    ['index-unavailable', 'Rebuild Index', { command: 'housestyle.rebuildIndex', args: [] }],
    ['index-missing', 'Index Workspace', { command: 'housestyle.indexWorkspace', args: [] }],
    ['model-not-found', 'Pull Model', { pulled: 1 }],
    ['git', 'Show Log', { log: 1 }],
  ];
  for (const [code, action, effect] of cases) {
    standIn.reset();
    pulls = 0;
    standIn.answer = action;
    await presenter().present(new HouseStyleError('x', undefined, code));
    if (effect.command) assert.deepEqual(standIn.executed, [{ command: effect.command, args: effect.args }], code);
    assert.equal(pulls, effect.pulled ?? 0, code);
    assert.equal(standIn.outputShown, effect.log ?? 0, code);
  }
});

test('cancellation is silent; expected errors log one warning line, bugs their stack; a background repeat is not shown twice, a repeat the user asked for is', async () => {
  const errors = presenter();
  await errors.present(new HouseStyleError('Cancelled.', undefined, 'cancelled'));
  await errors.present(new DOMException('The operation was aborted.', 'AbortError'));
  assert.equal(standIn.shown.length, 0);
  assert.equal(standIn.output.length, 0);

  const down = new HouseStyleError('Cannot reach Ollama at http://127.0.0.1:9.', 'Start Ollama.', 'ollama-unreachable');
  await errors.present(down, { background: true });
  await errors.present(down, { background: true });
  assert.equal(standIn.shown.length, 1, 'the same failure on every save is shown once');
  assert.deepEqual(standIn.output, [
    { level: 'warn', message: 'Cannot reach Ollama at http://127.0.0.1:9. Start Ollama.' },
    { level: 'warn', message: 'Cannot reach Ollama at http://127.0.0.1:9. Start Ollama.' },
  ]);
  errors.succeeded();
  await errors.present(down, { background: true });
  assert.equal(standIn.shown.length, 2, 'after a success the failure is news again');
  await errors.present(down);
  await errors.present(down);
  assert.equal(standIn.shown.length, 4, 'a second click of a command that fails says so again');

  await errors.present(new TypeError('boom'));
  assert.equal(standIn.output.at(-1)!.level, 'error');
  assert.match(standIn.output.at(-1)!.message, /TypeError: boom\n\s+at /);
  assert.deepEqual(standIn.shown.at(-1)!.actions, ['Show Log']);
});

test('an error that names its fix steps is worded in VS Code terms, with a button per step that runs its command', async () => {
  const { resolveRoute } = await import('../../src/core/models/route');
  const { loadConfig } = await import('../../src/core/config');
  const workspace = mkdtempSync(path.join(tmpdir(), 'hs-fix-'));
  const error = await resolveRoute(workspace, await loadConfig(workspace), 'fine-tuned').then(
    () => assert.fail('the fine-tuned route resolved with no adapter'),
    (e: unknown) => e as HouseStyleError,
  );
  assert.match(error.hint ?? '', /--route rag/, 'the command line keeps its hint');
  standIn.answer = 'Import Adapter';
  await presenter().present(error);
  const [shown] = standIn.shown;
  assert.deepEqual(shown, {
    kind: 'error',
    message: 'House Style: The fine-tuned route needs a fine-tuned model, and none is configured or registered. Import an adapter, train one or choose the rag route.',
    actions: ['Import Adapter', 'Train Adapter', 'Choose Route'],
  });
  assert.doesNotMatch(shown!.message, /--|`|housestyle [a-z]/);
  assert.deepEqual(standIn.executed, [{ command: 'housestyle.importAdapter', args: [] }]);
});

test('a message quoted without a full stop still ends its sentence before the hint', async () => {
  const { describeError } = await import('../../src/core/errors');
  assert.equal(describeError(new HouseStyleError('Ollama answered: signal: killed', 'Check the Ollama server log.', 'ollama-rejected')), 'Ollama answered: signal: killed. Check the Ollama server log.');
  assert.equal(describeError(new HouseStyleError('Ollama is down.', 'Start it.', 'ollama-rejected')), 'Ollama is down. Start it.');
});
