import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/core/config';
import { HouseStyleError } from '../../src/core/errors';
import { chooseOllamaHost, isLoopbackHost } from '../../src/core/ollamaHostChoice';
import { runCli } from '../support/cli';

const REMOTE = 'http://192.0.2.7:11434'; // TEST-NET-1: never routed

/** Defect 3: the user, not the repository, chooses where the code under review is sent. */
describe('choosing the Ollama host', () => {
  let workspace: string;
  before(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'hs-host-'));
    await mkdir(path.join(workspace, '.housestyle'));
    await mkdir(path.join(workspace, 'docs'));
    await writeFile(path.join(workspace, 'docs/STYLE_GUIDE.md'), '# Naming\n\nUse camelCase.\n');
    await writeFile(path.join(workspace, 'app.ts'), 'export const x = 1;\n');
    await writeFile(path.join(workspace, '.housestyle/config.json'), JSON.stringify({ index: { embedder: 'hash' }, ollama: { host: REMOTE } }));
  });
  after(() => rm(workspace, { recursive: true, force: true }));

  it('the user\'s host wins, then OLLAMA_HOST; the repository\'s host only when it is this machine or confirmed', async () => {
    const refuse = () => false;
    assert.equal(await chooseOllamaHost(REMOTE, { user: 'http://mine:1', env: { OLLAMA_HOST: 'http://env:2' }, confirmRepositoryHost: refuse }), 'http://mine:1');
    assert.equal(await chooseOllamaHost(REMOTE, { env: { OLLAMA_HOST: 'http://env:2' }, confirmRepositoryHost: refuse }), 'http://env:2');
    assert.equal(await chooseOllamaHost('http://127.0.0.1:9999', { env: {} }), 'http://127.0.0.1:9999');
    assert.equal(await chooseOllamaHost(undefined, { env: {} }), 'http://127.0.0.1:11434');
    const asked: string[] = [];
    assert.equal(await chooseOllamaHost(REMOTE, { env: {}, confirmRepositoryHost: (host) => (asked.push(host), true) }), REMOTE);
    assert.deepEqual(asked, [REMOTE]);
    await assert.rejects(chooseOllamaHost(REMOTE, { env: {}, confirmRepositoryHost: refuse }), (e: unknown) => e instanceof HouseStyleError && e.code === 'host-not-confirmed' && e.message.includes(REMOTE));
    await assert.rejects(loadConfig(workspace, { env: {} }), (e: unknown) => e instanceof HouseStyleError && e.code === 'host-not-confirmed');
    assert.equal((await loadConfig(workspace)).ollama.host, undefined, 'a command that calls no model drops the unconfirmed host');
  });

  it('tells loopback hosts from the rest', () => {
    for (const host of ['localhost:11434', 'http://127.0.0.1:11434', 'http://127.3.2.1', 'http://[::1]:11434']) assert.ok(isLoopbackHost(host), host);
    for (const host of ['http://192.0.2.7:11434', 'http://localhost.evil.example', 'http://127.0.0.1.evil.example', 'gpu-box:11434', '::not a url']) assert.ok(!isLoopbackHost(host), host);
  });

  it('the CLI refuses a repository host until --allow-repo-host, and --host overrides it', async () => {
    const env = { OLLAMA_HOST: '' };
    const refused = await runCli(['review', '--workspace', workspace, '--rules-only', 'app.ts'], { env });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^housestyle: The repository's configuration \(ollama\.host\) would send code to http:\/\/192\.0\.2\.7:11434, which is not this machine; nothing was sent\. If you trust that host, pass --allow-repo-host/);

    const allowed = await runCli(['review', '--workspace', workspace, '--rules-only', '--allow-repo-host', 'app.ts'], { env });
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /Ollama is not reachable at http:\/\/192\.0\.2\.7:11434/);

    const own = await runCli(['review', '--workspace', workspace, '--rules-only', '--host', 'http://127.0.0.1:9', 'app.ts'], { env });
    assert.equal(own.code, 0, own.stderr);
    assert.match(own.stdout, /Ollama is not reachable at http:\/\/127\.0\.0\.1:9\b/);
  });
});
