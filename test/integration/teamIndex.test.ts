// A team index on object storage: one writer (CI) indexes into s3://bucket/prefix on a local S3-compatible
// server (s3rver, started here on 127.0.0.1), editors and CLI runs read it with index.readOnly: no writes,
// no re-embedding, and a clear message when the index's embedder is not available locally.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import S3rver from 's3rver';
import { parseConfig } from '../../src/core/config';
import { HouseStyleError } from '../../src/core/errors';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import { OllamaClient } from '../../src/core/models/ollama/client';
import { withSession } from '../../src/core/session';
import { REPO_ROOT, runCli } from '../support/cli';
import { startOllamaTestServer, unreachableHost } from '../support/ollamaTestServer';

const BUCKET = 'team-docs';
let server: S3rver;
let storageDir: string;
let workspace: string;
let endpoint: string;

const storageOptions = () => ({
  endpoint,
  allow_http: 'true',
  aws_access_key_id: 'S3RVER',
  aws_secret_access_key: 'S3RVER',
  region: 'us-east-1',
  virtual_hosted_style_request: 'false',
});

/** Every stored object's path, size and modification time: what a reader must leave as it was. */
async function snapshot(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return Promise.all(entries.sort().map(async (entry) => {
    const info = await stat(path.join(dir, entry));
    return `${entry} ${info.size} ${info.mtimeMs}`;
  }));
}

before(async () => {
  storageDir = await mkdtemp(path.join(tmpdir(), 'hs-s3-'));
  workspace = await mkdtemp(path.join(tmpdir(), 'hs-team-'));
  await cp(path.join(REPO_ROOT, 'test/fixtures/demo'), workspace, { recursive: true, filter: (src) => !src.includes(`${path.sep}index`) });
  server = new S3rver({ address: '127.0.0.1', port: 0, directory: storageDir, silent: true, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
});
after(async () => {
  await server.close();
  await rm(storageDir, { recursive: true, force: true });
  await rm(workspace, { recursive: true, force: true });
});

describe('a shared index on object storage', () => {
  const uri = `s3://${BUCKET}/house-style`;

  test('CI indexes once; readers search it read-only and write nothing', async () => {
    const writer = parseConfig({ index: { uri, storageOptions: storageOptions(), embedder: 'hash' } });
    const report = await indexKnowledgeBase({ workspace, config: writer });
    assert.ok(report.rows > 0);
    assert.equal((await indexKnowledgeBase({ workspace, config: writer })).unchanged, report.files, 'the writer re-runs incrementally');

    const before = await snapshot(storageDir);
    const reader = parseConfig({ index: { uri, storageOptions: storageOptions(), readOnly: true } });
    const kb = await openKnowledgeBase({ workspace, config: reader });
    const [top] = await kb.search('should I use var or let and const', { k: 3 });
    assert.equal(top!.heading, 'Acme TypeScript Style Guide > Declarations');
    await kb.close();

    await assert.rejects(indexKnowledgeBase({ workspace, config: reader }), (error) => error instanceof HouseStyleError && error.code === 'index-read-only');
    await withSession({ workspace, config: reader, client: OllamaClient.fromConfig(reader), modelCheck: 'skip' }, async (session) => {
      assert.equal(session.index, undefined, 'a review session does not index a shared index');
      assert.equal((await session.knowledgeBase.search('strict equality', { k: 1 }))[0]!.heading, 'Acme TypeScript Style Guide > Equality');
    });
    assert.deepEqual(await snapshot(storageDir), before, 'reading and refusing to index wrote nothing');
  });

  test('the CLI reads it with the standard AWS variables instead of storageOptions', async () => {
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(path.join(workspace, '.housestyle'), { recursive: true });
    await writeFile(path.join(workspace, '.housestyle', 'config.json'), JSON.stringify({ index: { uri, readOnly: true } }));
    const env = { AWS_ENDPOINT: endpoint, AWS_ALLOW_HTTP: 'true', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', AWS_VIRTUAL_HOSTED_STYLE_REQUEST: 'false' };
    const result = await runCli(['search', '--workspace', workspace, '--json', '--k', '1', 'strict equality'], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).heading, 'Acme TypeScript Style Guide > Equality');
    const refused = await runCli(['index', '--workspace', workspace], { env });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /shared and read-only here \(index\.readOnly\)\. Only its one writer/);
    await rm(path.join(workspace, '.housestyle', 'config.json'));
  });

  test('a reader without the index\'s embedder gets one clear line, and nothing is re-embedded', async () => {
    const ollama = await startOllamaTestServer({ models: ['all-minilm'] });
    try {
      const sharedUri = `s3://${BUCKET}/semantic`;
      const writer = parseConfig({ index: { uri: sharedUri, storageOptions: storageOptions(), fetchModel: false }, ollama: { host: ollama.host } });
      await indexKnowledgeBase({ workspace, config: writer, client: OllamaClient.fromConfig(writer) });
      const reader = parseConfig({ index: { uri: sharedUri, storageOptions: storageOptions(), readOnly: true }, ollama: { host: await unreachableHost() } });
      await assert.rejects(openKnowledgeBase({ workspace, config: reader, client: OllamaClient.fromConfig(reader) }), (error) => {
        assert.ok(error instanceof HouseStyleError && error.code === 'embedder-unavailable');
        assert.equal(error.message, 'The index was built with the ollama:all-minilm:latest embedder, which is not available here.');
        assert.match(error.hint!, /read-only here and is never re-embedded: pull it into Ollama \(ollama pull all-minilm:latest\)/);
        return true;
      });
    } finally {
      await ollama.close();
    }
  });

  test('an unknown knowledge base on the shared index says who writes it', async () => {
    const reader = parseConfig({ index: { uri: `s3://${BUCKET}/empty`, storageOptions: storageOptions(), readOnly: true } });
    await assert.rejects(openKnowledgeBase({ workspace, config: reader }), (error) => error instanceof HouseStyleError && error.code === 'index-missing' && /its writer \(the CI job\)/.test(error.hint ?? ''));
  });
});
