import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findMiniLmModel, missingMiniLmFiles } from '../../src/core/knowledge/embedders/miniLmModel';

let root: string;

async function modelFolder(dir: string, files = ['tokenizer.json', 'config.json', 'onnx/model.onnx']): Promise<string> {
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), '{}');
  }
  return dir;
}

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'housestyle-minilm-'));
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('findMiniLmModel', () => {
  test('prefers the configured folder, then the bundled copy, then the cache', async () => {
    const base = path.join(root, 'order');
    const modelDir = await modelFolder(path.join(base, 'configured'));
    const extensionRoot = path.join(base, 'extension');
    const bundled = await modelFolder(path.join(extensionRoot, 'models', 'all-MiniLM-L6-v2'));
    const cacheDir = path.join(base, 'cache');
    const cached = await modelFolder(path.join(cacheDir, 'all-MiniLM-L6-v2'));

    assert.equal(findMiniLmModel({ modelDir, extensionRoot, cacheDir }), modelDir);
    assert.equal(findMiniLmModel({ modelDir: path.join(base, 'absent'), extensionRoot, cacheDir }), bundled);
    assert.equal(findMiniLmModel({ cacheDir }), cached);
    await rm(path.join(bundled, 'config.json'));
    assert.equal(findMiniLmModel({ extensionRoot, cacheDir }), cached, 'an incomplete bundled copy is skipped');
    assert.equal(findMiniLmModel({ extensionRoot, cacheDir: path.join(base, 'empty-cache') }), undefined);
  });

  test('defaults the cache to ~/.cache/housestyle/models', async (t) => {
    const home = path.join(root, 'home');
    const cached = await modelFolder(path.join(home, '.cache', 'housestyle', 'models', 'all-MiniLM-L6-v2'));
    const previous = process.env.HOME;
    process.env.HOME = home;
    t.after(() => {
      process.env.HOME = previous;
    });
    assert.equal(findMiniLmModel({}), cached);
  });

  test('finds a fetched model by its revision, after a copy put in the cache by hand', async () => {
    const cacheDir = path.join(root, 'fetched-cache');
    const fetched = { name: 'all-MiniLM-L6-v2', repo: 'Xenova/all-MiniLM-L6-v2', revision: 'abc123', files: [], approximateMegabytes: 23 };
    assert.equal(findMiniLmModel({ cacheDir, fetched }), undefined);
    const dir = await modelFolder(path.join(cacheDir, 'all-MiniLM-L6-v2@abc123'), ['tokenizer.json', 'config.json', 'onnx/model_quantized.onnx']);
    assert.equal(findMiniLmModel({ cacheDir, fetched }), dir, 'the int8 weights alone make a model');
    assert.equal(findMiniLmModel({ cacheDir, fetched: { ...fetched, revision: 'def456' } }), undefined, 'another revision is not this one');
    const byHand = await modelFolder(path.join(cacheDir, 'all-MiniLM-L6-v2'));
    assert.equal(findMiniLmModel({ cacheDir, fetched }), byHand);
  });

  test('accepts model.onnx at the top of the folder', async () => {
    const dir = await modelFolder(path.join(root, 'flat'), ['tokenizer.json', 'config.json', 'model.onnx']);
    assert.equal(findMiniLmModel({ modelDir: dir, cacheDir: path.join(root, 'none') }), dir);
  });
});

describe('missingMiniLmFiles', () => {
  test('names each missing file, and a folder in place of a file does not count', async () => {
    const dir = await modelFolder(path.join(root, 'partial'), ['config.json']);
    await mkdir(path.join(dir, 'onnx', 'model.onnx'), { recursive: true });
    assert.deepEqual(missingMiniLmFiles(dir), ['tokenizer.json', 'onnx/model.onnx or model.onnx or onnx/model_quantized.onnx']);
    assert.deepEqual(missingMiniLmFiles(await modelFolder(path.join(root, 'complete'))), []);
  });
});
