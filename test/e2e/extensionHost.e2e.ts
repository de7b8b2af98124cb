// The extension-host suite (test/e2e/extensionHost/suite.ts) in a desktop VS Code through @vscode/test-electron.
// test-electron downloads VS Code from update.code.visualstudio.com, which machines limited to the npm registry
// and apt cannot reach; there the suite is skipped with that reason, and the code-server lane (editor.e2e.ts)
// covers the editor. Set HOUSESTYLE_VSCODE_EXECUTABLE to a desktop VS Code to run it (after `npm run build`).
import { test } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { REPO_ROOT } from '../support/cli';

const executable = process.env.HOUSESTYLE_VSCODE_EXECUTABLE;
const skip = executable
  ? false
  : 'no desktop VS Code here: @vscode/test-electron downloads one from update.code.visualstudio.com, which this machine cannot reach; set HOUSESTYLE_VSCODE_EXECUTABLE to a desktop VS Code to run this suite';

test('the extension-host suite passes in a desktop VS Code (@vscode/test-electron)', { skip }, async () => {
  const scratch = await mkdtemp(path.join(tmpdir(), 'housestyle-exthost-'));
  try {
    const suite = path.join(scratch, 'suite.cjs');
    await esbuild.build({ entryPoints: [path.join(import.meta.dirname, 'extensionHost', 'suite.ts')], bundle: true, platform: 'node', format: 'cjs', external: ['vscode'], outfile: suite, logLevel: 'silent' });
    const workspace = await mkdtemp(path.join(scratch, 'workspace-'));
    await runTests({ vscodeExecutablePath: executable!, extensionDevelopmentPath: REPO_ROOT, extensionTestsPath: suite, launchArgs: [workspace, '--disable-extensions', '--user-data-dir', path.join(scratch, 'user-data')] });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});
