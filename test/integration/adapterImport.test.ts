import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { HouseStyleError } from '../../src/core/errors';
import { inspectAdapter } from '../../src/core/models/adapters/adapterSource';
import { familyMatches } from '../../src/core/models/adapters/modelFamily';
import { importAdapter } from '../../src/core/models/adapters/importAdapter';
import { readSafetensorsHeader } from '../../src/core/models/adapters/safetensors';
import { OllamaClient } from '../../src/core/models/ollama/client';
import { readRegistry, REGISTRY_FILE } from '../../src/core/models/registry';
import { runCli } from '../support/cli';
import { startOllamaTestServer, type OllamaTestServer } from '../support/ollamaTestServer';
import { writeGgufAdapter } from '../support/ggufAdapter';
import { writePeftAdapter } from '../support/peftAdapter';

const BASE = 'qwen2.5-coder:7b';
let root: string;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'housestyle-adapters-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function sha256Of(file: string): Promise<string> {
  return `sha256:${createHash('sha256').update(await readFile(file)).digest('hex')}`;
}

let counter = 0;
async function setup(serverOptions: Parameters<typeof startOllamaTestServer>[0] = { models: [BASE] }) {
  const dir = path.join(root, `case-${++counter}`);
  const workspace = path.join(dir, 'my-project');
  const adapter = path.join(dir, 'adapter');
  await writePeftAdapter(adapter, { rank: 8, alpha: 16, fill: counter });
  await mkdir(workspace, { recursive: true });
  const server = await startOllamaTestServer(serverOptions);
  const client = new OllamaClient({ host: server.host, timeoutMs: 5000 });
  return { workspace, adapter, server, client };
}

async function withServer<T>(server: OllamaTestServer, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    await server.close();
  }
}

describe('adapter files', () => {
  test('a generated PEFT folder has a safetensors header that parses, and its rank and alpha are read', async () => {
    const folder = path.join(root, 'peft');
    await writePeftAdapter(folder, { rank: 4, alpha: 8, hidden: 32, layers: 3 });
    const header = await readSafetensorsHeader(path.join(folder, 'adapter_model.safetensors'));
    assert.equal(header.tensors.size, 6);
    assert.deepEqual(header.tensors.get('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight')?.shape, [4, 32]);
    assert.deepEqual(header.metadata, { format: 'pt' });
    const source = await inspectAdapter(folder);
    assert.equal(source.kind, 'peft');
    assert.equal(source.rank, 4);
    assert.equal(source.alpha, 8);
    assert.equal(source.baseModel, 'Qwen/Qwen2.5-Coder-7B-Instruct');
    assert.deepEqual(source.files.map((f) => f.name), ['adapter_config.json', 'adapter_model.safetensors']);
  });

  test('a header length past the end of the file, a non-LoRA adapter, a rank mismatch and a missing file are refused with what to do', async () => {
    const broken = path.join(root, 'broken');
    await writePeftAdapter(broken);
    const handle = await open(path.join(broken, 'adapter_model.safetensors'), 'r+');
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(10n ** 12n);
    await handle.write(length, 0, 8, 0);
    await handle.close();
    await assert.rejects(inspectAdapter(broken), (e: HouseStyleError) => e.code === 'adapter-invalid' && /header length/.test(e.message));

    const ia3 = path.join(root, 'ia3');
    await writePeftAdapter(ia3, { peftType: 'IA3' });
    await assert.rejects(inspectAdapter(ia3), (e: HouseStyleError) => e.code === 'adapter-invalid' && /IA3 adapter; Ollama imports LoRA adapters only/.test(e.message));

    const mixed = path.join(root, 'mixed');
    await writePeftAdapter(mixed, { rank: 8, tensorRank: 4 });
    await assert.rejects(inspectAdapter(mixed), (e: HouseStyleError) => e.code === 'adapter-invalid' && /says rank 8.*has rank 4/.test(e.message));

    const half = path.join(root, 'half');
    await writePeftAdapter(half);
    await rm(path.join(half, 'adapter_model.safetensors'));
    await assert.rejects(inspectAdapter(half), (e: HouseStyleError) => e.code === 'adapter-invalid' && /adapter_model.safetensors is missing/.test(e.message) && /folder/.test(e.hint ?? ''));
  });

  test('a GGUF adapter: its head is read (architecture, rank from a lora_a tensor, alpha); a GGUF model or a non-LoRA adapter is refused', async () => {
    const file = path.join(root, 'adapter.gguf');
    await writeGgufAdapter(file, { 'general.architecture': 'qwen2', 'general.type': 'adapter', 'general.tags': ['a', 'b'], 'adapter.type': 'lora', 'adapter.lora.alpha': 32 }, [
      { name: 'blk.0.attn_q.weight.lora_a', dims: [3584, 16] },
      { name: 'blk.0.attn_q.weight.lora_b', dims: [16, 3584] },
    ]);
    const source = await inspectAdapter(file);
    assert.deepEqual({ kind: source.kind, baseModel: source.baseModel, rank: source.rank, alpha: source.alpha, files: source.files.map((f) => f.name) }, { kind: 'gguf', baseModel: 'qwen2', rank: 16, alpha: 32, files: ['adapter.gguf'] });
    const model = path.join(root, 'model.gguf');
    await writeGgufAdapter(model, { 'general.architecture': 'qwen2', 'general.type': 'model' });
    await assert.rejects(inspectAdapter(model), (e: HouseStyleError) => e.code === 'adapter-invalid' && /is a GGUF model, not an adapter/.test(e.message));
    const notGguf = path.join(root, 'not.gguf');
    await writeFile(notGguf, 'hello, this is not a GGUF file at all');
    await assert.rejects(inspectAdapter(notGguf), (e: HouseStyleError) => e.code === 'adapter-invalid' && /GGUF magic/.test(e.message));
  });

  test('families: an adapter fits the Ollama family of its generation only', () => {
    assert.equal(familyMatches('Qwen/Qwen2.5-Coder-7B-Instruct', 'qwen2'), true);
    assert.equal(familyMatches('Qwen/Qwen3-8B', 'qwen2'), false);
    assert.equal(familyMatches('mistralai/Mistral-7B-v0.3', 'llama'), true);
    assert.equal(familyMatches('meta-llama/Llama-3.1-8B', 'qwen2'), false);
    assert.equal(familyMatches('/data/checkpoints/final', 'qwen2'), undefined);
  });
});

describe('model import against the Ollama-API test server', () => {
  test('uploads each file under its exact SHA-256 digest, creates the model from the base with the adapters, and registers the version', async () => {
    const { workspace, adapter, server, client } = await setup();
    await withServer(server, async () => {
      const statuses: string[] = [];
      const result = await importAdapter({ workspace, client, adapter, base: BASE, progress: { report: (phase) => statuses.push(phase) } });
      // The PEFT adapter is converted to one GGUF inside the workspace; that is what Ollama receives.
      assert.match(result.version.adapter.gguf!, /^\.housestyle\/adapters\/housestyle-my-project-\d{8}-1\.gguf$/);
      const digests = { 'adapter.gguf': await sha256Of(path.join(workspace, result.version.adapter.gguf!)) };
      assert.deepEqual(result.version.adapter.digests, digests);
      assert.deepEqual([...server.blobs].sort(), Object.values(digests).sort());
      assert.match(result.version.name, /^housestyle-my-project:\d{8}-1$/);
      const create = server.requests.find((r) => r.path === '/api/create')?.body as Record<string, unknown>;
      assert.deepEqual({ model: create.model, from: create.from, adapters: create.adapters }, { model: result.version.name, from: BASE, adapters: digests });
      assert.ok(server.models.has(result.version.name));
      assert.ok(statuses.some((s) => s.endsWith('creating adapter layer')), 'create status lines are progress');
      const registry = await readRegistry(workspace);
      assert.equal(registry.active, result.version.name);
      assert.deepEqual({ rank: registry.models[0]!.adapter.rank, alpha: registry.models[0]!.adapter.alpha }, { rank: 8, alpha: 16 });
      await assert.rejects(importAdapter({ workspace, client, adapter, base: BASE, name: BASE }), (e: HouseStyleError) => e.code === 'usage' && /already has a model named qwen2\.5-coder:7b/.test(e.message));
      // The same adapter again is refused by name; forced, it is a new version with the next number, its blob not sent again.
      await assert.rejects(importAdapter({ workspace, client, adapter, base: BASE }), (e: HouseStyleError) => e.code === 'usage' && e.message === `This adapter is already registered as ${result.version.name}.` && /--force/.test(e.hint ?? ''));
      const again = await importAdapter({ workspace, client, adapter, base: BASE, force: true });
      assert.match(again.version.name, /-2$/);
      assert.deepEqual(again.skipped, ['adapter.gguf']);
    });
  });

  test('a GGUF adapter is uploaded as one blob and named in adapters by its file name', async () => {
    const { workspace, server, client } = await setup();
    await withServer(server, async () => {
      const file = path.join(root, 'qwen-adapter.gguf');
      await writeGgufAdapter(file, { 'general.architecture': 'qwen2', 'general.type': 'adapter', 'adapter.type': 'lora', 'adapter.lora.alpha': 16 });
      const result = await importAdapter({ workspace, client, adapter: file, base: BASE, name: 'gguf-style:v1' });
      const create = server.requests.find((r) => r.path === '/api/create')?.body as { adapters?: Record<string, string> };
      assert.deepEqual(create.adapters, { 'adapter.gguf': await sha256Of(file) });
      assert.deepEqual({ kind: result.version.adapter.kind, alpha: result.version.adapter.alpha, baseModel: result.version.adapter.baseModel }, { kind: 'gguf', alpha: 16, baseModel: 'qwen2' });
    });
  });

  test('a blob Ollama already has is not sent again', async () => {
    const { workspace, server, client } = await setup();
    await withServer(server, async () => {
      const file = path.join(root, 'known-adapter.gguf');
      await writeGgufAdapter(file, { 'general.architecture': 'qwen2', 'general.type': 'adapter', 'adapter.type': 'lora', 'adapter.lora.alpha': 8 });
      server.blobs.add(await sha256Of(file));
      const result = await importAdapter({ workspace, client, adapter: file, base: BASE });
      assert.deepEqual(result.uploaded, []);
      assert.deepEqual(result.skipped, ['adapter.gguf']);
      assert.deepEqual(server.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/api/blobs/')), []);
    });
  });

  test('an upload cut halfway is tried again and completes', async () => {
    const { workspace, adapter, server, client } = await setup();
    await withServer(server, async () => {
      server.failBlobUploads('cut');
      const result = await importAdapter({ workspace, client, adapter, base: BASE });
      assert.equal(result.retries, 1);
      const posts = server.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/api/blobs/'));
      assert.equal((posts[0]!.body as { failed?: string }).failed, 'cut');
      assert.equal(posts.length, 2);
      assert.equal(server.blobs.size, 1);
    });
  });

  test('a server error mid-upload, every time, ends in one clear error and nothing registered', async () => {
    const { workspace, adapter, server, client } = await setup();
    await withServer(server, async () => {
      server.failBlobUploads('server-error');
      await assert.rejects(
        importAdapter({ workspace, client, adapter, base: BASE }),
        (e: HouseStyleError) => e.code === 'ollama-server-error' && /no space left on device/.test(e.message) && /server log/.test(e.hint ?? ''),
      );
      assert.equal(server.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/api/blobs/')).length, 3, 'three attempts');
      assert.equal(server.requests.some((r) => r.path === '/api/create'), false);
      assert.deepEqual((await readRegistry(workspace)).models, []);
    });
  });

  test('an upload Ollama stops taking fails after the idle timeout, tried three times', async () => {
    const { workspace, adapter, server } = await setup();
    await withServer(server, async () => {
      server.failBlobUploads('stall');
      // The idle timeout also bounds the calls before the upload (model checks, blob checks), which must not time out
      // on a loaded machine: 2 s, not a few hundred ms.
      const client = new OllamaClient({ host: server.host, timeoutMs: 2000 });
      await assert.rejects(importAdapter({ workspace, client, adapter, base: BASE }), (e: HouseStyleError) => e.code === 'ollama-server-error' && /\(ETIMEDOUT\)/.test(e.message));
      assert.equal(server.requests.filter((r) => (r.body as { failed?: string } | undefined)?.failed === 'stall').length, 3);
    });
  });

  test('a missing base is pulled with progress; one the library lacks fails with the pull command', async () => {
    const pulled = await setup({ models: [], library: [BASE] });
    await withServer(pulled.server, async () => {
      const phases: string[] = [];
      const result = await importAdapter({ workspace: pulled.workspace, client: pulled.client, adapter: pulled.adapter, base: BASE, progress: { report: (p) => phases.push(p) } });
      assert.equal(result.pulledBase, true);
      assert.ok(phases.includes(`Pulling ${BASE}: success`));
    });
    const missing = await setup({ models: [], library: [] });
    await withServer(missing.server, async () => {
      await assert.rejects(
        importAdapter({ workspace: missing.workspace, client: missing.client, adapter: missing.adapter, base: BASE }),
        (e: HouseStyleError) => e.code === 'model-not-found' && e.hint?.includes(`ollama pull ${BASE}`) === true,
      );
      assert.equal(missing.server.requests.some((r) => r.path.startsWith('/api/blobs/')), false, 'nothing uploaded');
    });
  });

  test('an adapter of another family is refused before upload; one Ollama cannot use becomes a clear refusal', async () => {
    const { workspace, server, client } = await setup();
    await withServer(server, async () => {
      const llama = path.join(root, 'llama-adapter');
      await writePeftAdapter(llama, { baseModel: 'meta-llama/Llama-3.1-8B-Instruct' });
      await assert.rejects(importAdapter({ workspace, client, adapter: llama, base: BASE }), (e: HouseStyleError) => e.code === 'adapter-invalid' && /trained on meta-llama\/Llama-3.1-8B-Instruct/.test(e.message));
      assert.equal(server.requests.some((r) => r.path.startsWith('/api/blobs/')), false);

      const adapter = path.join(root, 'refused-adapter');
      await writePeftAdapter(adapter, { fill: 99 });
      server.rejectNextCreate('unsupported architecture "Qwen3ForCausalLM" for adapter');
      await assert.rejects(
        importAdapter({ workspace, client, adapter, base: BASE }),
        // Ollama's own text verbatim, the version named once, and one line of advice.
        (e: HouseStyleError) =>
          e.code === 'adapter-rejected' &&
          new RegExp(`^Ollama refused to build \\S+ from ${BASE.replaceAll('.', '\\.')}: "unsupported architecture "Qwen3ForCausalLM" for adapter"\\.$`).test(e.message) &&
          e.hint === `Import a LoRA adapter trained on ${BASE} (same architecture and size).`,
      );
      assert.deepEqual((await readRegistry(workspace)).models, []);
    });
  });

  test('the CLI imports, lists, uses and removes versions, with exit codes and JSON', async () => {
    const { workspace, adapter, server } = await setup();
    await withServer(server, async () => {
      await mkdir(path.join(workspace, '.housestyle'), { recursive: true });
      await writeFile(path.join(workspace, '.housestyle', 'config.json'), JSON.stringify({ ollama: { host: server.host } }));
      const imported = await runCli(['model', 'import', '--workspace', workspace, '--adapter', adapter, '--base', BASE, '--name', 'team-style:v1', '--json']);
      assert.equal(imported.code, 0, imported.stderr);
      assert.equal(JSON.parse(imported.stdout).version.name, 'team-style:v1');
      const second = await runCli(['model', 'import', '--workspace', workspace, '--adapter', adapter, '--base', BASE, '--name', 'team-style:v2', '--force']);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /Use it with: housestyle model use team-style:v2/);

      const listed = JSON.parse((await runCli(['model', 'list', '--workspace', workspace, '--json'])).stdout);
      assert.deepEqual(listed.registry.models.map((m: { name: string }) => m.name), ['team-style:v1', 'team-style:v2']);
      assert.ok(listed.ollama.some((m: { name: string }) => m.name === 'team-style:v2'));

      assert.equal((await runCli(['model', 'use', 'team-style:v2', '--workspace', workspace])).code, 0);
      assert.equal((await readRegistry(workspace)).active, 'team-style:v2');
      const unknown = await runCli(['model', 'use', 'nope', '--workspace', workspace]);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /nope is not a registered model version\. See housestyle model list/);

      const removed = await runCli(['model', 'remove', 'team-style:v2', '--workspace', workspace]);
      assert.equal(removed.code, 0, removed.stderr);
      assert.equal(removed.stdout, 'Removed team-style:v2. team-style:v1 is now the active version.\n');
      assert.equal(server.models.has('team-style:v2'), false);
      const registry = JSON.parse(await readFile(path.join(workspace, REGISTRY_FILE), 'utf8'));
      assert.deepEqual(registry.models.map((m: { name: string }) => m.name), ['team-style:v1']);
      assert.equal(registry.active, 'team-style:v1');
      const reused = await runCli(['model', 'import', '--workspace', workspace, '--adapter', adapter, '--base', BASE, '--name', 'team-style:v2', '--force']);
      assert.equal(reused.code, 2);
      assert.match(reused.stderr, /team-style:v2 was a removed version; names are not reused/);
      const last = await runCli(['model', 'remove', 'team-style:v1', '--workspace', workspace]);
      assert.equal(last.stdout, 'Removed team-style:v1. No version is left; the fine-tuned route needs a new import.\n');
    });
  });
});
