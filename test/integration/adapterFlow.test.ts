// The path a team takes with a PEFT adapter for the default review model, through the CLI, against a test server
// that enforces Ollama's adapter rules (Safetensors adapters refused on a qwen2 base): import → list → use →
// compare. What Ollama received must be a GGUF LoRA adapter with llama.cpp's keys and tensor names. Each mismatch a
// new user tried is one line, exit 2, with nothing pulled, uploaded or registered.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readGgufHead } from '../../src/core/models/adapters/gguf';
import { readRegistry } from '../../src/core/models/registry';
import { runCli } from '../support/cli';
import { startOllamaTestServer, type OllamaTestServer } from '../support/ollamaTestServer';
import { QWEN25_CODER_7B_MODULES, writePeftAdapter } from '../support/peftAdapter';

const BASE = 'qwen2.5-coder:7b';
const QWEN7B_MODULES = { 'self_attn.q_proj': QWEN25_CODER_7B_MODULES['self_attn.q_proj']!, 'self_attn.v_proj': QWEN25_CODER_7B_MODULES['self_attn.v_proj']! };

let root: string;
let workspace: string;
let server: OllamaTestServer;
let adapter: string;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'housestyle-adapter-flow-'));
  const blobs = path.join(root, 'ollama-blobs');
  await mkdir(blobs);
  server = await startOllamaTestServer({ models: [BASE], blobDir: blobs, library: [BASE, 'qwen2.5-coder:32b', 'qwen2.5-coder:14b'] });
  workspace = path.join(root, 'shop');
  const config = { index: { embedder: 'hash' }, ollama: { host: server.host, timeoutMs: 5000 } };
  for (const [file, text] of Object.entries({
    'docs/STYLE_GUIDE.md': '# Style guide\n\n## Naming\n\nUse camelCase for variables: `retryCount`, not `retry_count`.\n',
    'src/retry.ts': 'export const retry_count = 3;\n',
    '.housestyle/config.json': JSON.stringify(config),
  })) {
    await mkdir(path.dirname(path.join(workspace, file)), { recursive: true });
    await writeFile(path.join(workspace, file), text);
  }
  adapter = path.join(root, 'qwen-coder-7b-lora');
  await writePeftAdapter(adapter, { rank: 8, alpha: 16, layers: 2, modules: QWEN7B_MODULES, seed: 3, baseModel: 'Qwen/Qwen2.5-Coder-7B-Instruct' });
});
after(async () => {
  server.onChat(undefined);
  await server.close();
  await rm(root, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli([...args, '--workspace', workspace]);

describe('a PEFT adapter for qwen2.5-coder:7b', () => {
  test('imports as a GGUF adapter Ollama accepts, is listed, used and compared', async () => {
    const imported = await cli('model', 'import', '--adapter', adapter, '--base', BASE, '--name', 'team-style:v1');
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /Converting to GGUF: [\d.]+ of [\d.]+ MB, 100%, [\d.]+ MB\/s/);
    assert.match(imported.stderr, /Uploading adapter\.gguf: [\d.]+ of [\d.]+ MB, 100%/);
    assert.match(imported.stderr, /Note: qwen2\.5-coder:7b is quantized \(Q4_K_M\)/);

    const [created] = server.createdWithAdapters;
    assert.deepEqual(Object.keys(created!.adapters), ['adapter.gguf']);
    const received = await readGgufHead(server.blobFile(created!.adapters['adapter.gguf']!));
    assert.deepEqual(
      ['general.architecture', 'general.type', 'adapter.type', 'adapter.lora.alpha'].map((k) => received.metadata.get(k)),
      ['qwen2', 'adapter', 'lora', 16],
    );
    assert.deepEqual(received.tensors, [
      { name: 'blk.0.attn_q.weight.lora_a', dims: [3584, 8] },
      { name: 'blk.0.attn_q.weight.lora_b', dims: [8, 3584] },
      { name: 'blk.0.attn_v.weight.lora_a', dims: [3584, 8] },
      { name: 'blk.0.attn_v.weight.lora_b', dims: [8, 512] },
      { name: 'blk.1.attn_q.weight.lora_a', dims: [3584, 8] },
      { name: 'blk.1.attn_q.weight.lora_b', dims: [8, 3584] },
      { name: 'blk.1.attn_v.weight.lora_a', dims: [3584, 8] },
      { name: 'blk.1.attn_v.weight.lora_b', dims: [8, 512] },
    ]);

    const listed = await cli('model', 'list');
    assert.match(listed.stdout, /^\* team-style:v1 {2}base qwen2\.5-coder:7b/m);
    assert.equal((await cli('model', 'use', 'team-style:v1')).code, 0);
    const registry = await readRegistry(workspace);
    assert.deepEqual({ active: registry.active, source: registry.models[0]!.adapter.source, gguf: registry.models[0]!.adapter.gguf }, { active: 'team-style:v1', source: adapter, gguf: '.housestyle/adapters/team-style-v1.gguf' });

    server.onChat(() => ({ content: JSON.stringify({ findings: [] }) }));
    const compared = await cli('compare', '--routes', 'rag,fine-tuned', 'src/retry.ts');
    assert.equal(compared.code, 0, compared.stderr);
    assert.match(compared.stdout, /^fine-tuned\s+team-style:v1\s/m);
    assert.ok(server.requests.some((r) => r.path === '/api/chat' && (r.body as { model: string }).model === 'team-style:v1'));

    // Exported for a teammate: the very adapter Ollama received, and a Modelfile with the base's template and parameters.
    const out = path.join(root, 'export');
    const exported = await cli('model', 'export', 'team-style:v1', '--out', out);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(`sha256:${createHash('sha256').update(await readFile(path.join(out, 'adapter.gguf'))).digest('hex')}`, created!.adapters['adapter.gguf']);
    assert.equal(await readFile(path.join(out, 'Modelfile'), 'utf8'), `FROM ${BASE}\nADAPTER ./adapter.gguf\nTEMPLATE """{{ .System }}\n{{ .Prompt }}"""\nPARAMETER stop "<|im_end|>"\nPARAMETER temperature 0.7\n`);

    // House Style's own files stay out of git (the service prepares .housestyle/ before it writes); the team's config is shared.
    execFileSync('git', ['init', '-q'], { cwd: workspace });
    const ignored = (file: string) => spawnSync('git', ['check-ignore', '-q', file], { cwd: workspace }).status === 0;
    assert.deepEqual(['.housestyle/adapters/team-style-v1.gguf', '.housestyle/models.json', '.housestyle/config.json'].map(ignored), [true, true, false]);
  });

  test('the same adapter sent as Safetensors is refused by the test server as Ollama refuses it', async () => {
    const digest = server.createdWithAdapters[0]!.adapters['adapter.gguf']!;
    const response = await fetch(`${server.host}/api/create`, { method: 'POST', body: JSON.stringify({ model: 'raw', from: BASE, adapters: { 'adapter_model.safetensors': digest } }) });
    assert.match(await response.text(), /\{"error":"unsupported architecture"\}/);
  });

  const mismatches: [string, () => Promise<string>, RegExp][] = [
    [
      'a Llama-3.1 adapter onto qwen2.5-coder:32b, not installed',
      async () => {
        const folder = path.join(root, 'llama');
        await writePeftAdapter(folder, { baseModel: 'meta-llama/Llama-3.1-8B-Instruct', hidden: 4096 });
        return folder;
      },
      /^housestyle: The adapter was trained on meta-llama\/Llama-3\.1-8B-Instruct, which does not fit qwen2\.5-coder:32b \(another model family\); nothing was pulled, uploaded or registered\./,
    ],
    [
      'a 1.5B adapter onto the 7B base',
      async () => {
        const folder = path.join(root, 'small');
        await writePeftAdapter(folder, { baseModel: 'Qwen/Qwen2.5-Coder-1.5B-Instruct', hidden: 1536 });
        return folder;
      },
      /which does not fit qwen2\.5-coder:7b \(7B parameters, not 1\.5B\)/,
    ],
    [
      'an adapter from a local checkpoint whose hidden size is not the base\'s',
      async () => {
        const folder = path.join(root, 'checkpoint');
        await writePeftAdapter(folder, { baseModel: '/data/checkpoints/final', hidden: 5120 });
        return folder;
      },
      /does not fit qwen2\.5-coder:7b \(hidden size 3584, the adapter's is 5120\)/,
    ],
    ['the same adapter again, its weights file passed', async () => path.join(adapter, 'adapter_model.safetensors'), /^housestyle: This adapter is already registered as team-style:v1\. .*--force/m],
  ];
  for (const [name, make, message] of mismatches) {
    test(`${name}: one line, exit 2, nothing pulled, uploaded or registered`, async () => {
      const base = name.includes('32b') ? 'qwen2.5-coder:32b' : BASE;
      const requestsBefore = server.requests.length;
      const modelsBefore = (await readRegistry(workspace)).models.length;
      const result = await cli('model', 'import', '--adapter', await make(), '--base', base);
      assert.equal(result.code, 2);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /GGUF file/);
      assert.equal(result.stderr.trim().split('\n').filter((l) => l.startsWith('housestyle:')).length, 1);
      const sent = server.requests.slice(requestsBefore).map((r) => `${r.method} ${r.path}`);
      assert.deepEqual(sent.filter((r) => /\/api\/(pull|create)|POST \/api\/blobs/.test(r)), []);
      assert.equal((await readRegistry(workspace)).models.length, modelsBefore);
    });
  }
});
