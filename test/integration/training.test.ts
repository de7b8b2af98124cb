import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Activity } from '../../src/core/activity';
import { parseConfig } from '../../src/core/config';
import { datasetFormat } from '../../src/core/dataset/exporters/formats';
import { datasetInfo, loraTrainingConfig } from '../../src/core/dataset/exporters/llamaFactory';
import { HouseStyleError } from '../../src/core/errors';
import { sha256 } from '../../src/core/hash';
import { OllamaClient } from '../../src/core/models/ollama/client';
import { readRegistry } from '../../src/core/models/registry';
import { trainAdapter, type TrainOptions } from '../../src/core/models/training/train';
import { WorkspaceService } from '../../src/core/service/workspaceService';
import type { TrainerLogEntry } from '../../src/core/models/training/trainerLog';
import { isProcessRunning } from '../../src/core/processAlive';
import { REPO_ROOT, runCli } from '../support/cli';
import { startOllamaTestServer, type OllamaTestServer } from '../support/ollamaTestServer';

const BASE = 'qwen2.5-coder:7b';
const STAND_IN_PATH = `${path.join(REPO_ROOT, 'test', 'support')}${path.delimiter}${process.env.PATH}`;
let root: string;
let server: OllamaTestServer;
const savedEnv = { ...process.env };

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'housestyle-train-'));
  server = await startOllamaTestServer({ models: [BASE, 'llama3.1:8b'] });
  // The stand-in llamafactory-cli is found on PATH, as the real one would be.
  process.env.PATH = STAND_IN_PATH;
});
after(async () => {
  process.env = savedEnv;
  await server.close();
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
const TRAIN_ROW = { messages: [{ role: 'system', content: 'You review code.' }, { role: 'user', content: 'Review: var x = 1' }, { role: 'assistant', content: 'Use const.' }] };

/** A workspace with a dataset folder as `housestyle dataset build` writes it (the parts training reads). */
async function workspaceWithDataset(rows: unknown[] = [TRAIN_ROW], withInfo = true): Promise<{ workspace: string; dataset: string }> {
  const workspace = path.join(root, `ws-${++counter}`);
  const dataset = path.join(workspace, '.housestyle', 'dataset');
  await mkdir(dataset, { recursive: true });
  await writeFile(path.join(dataset, 'train_lora.yaml'), loraTrainingConfig({ datasetDir: dataset, outputDir: `${dataset}-adapter`, baseModel: 'Qwen/Qwen2.5-Coder-7B-Instruct', template: 'qwen', train: 'housestyle_train', cutoffLength: 4096 }));
  await writeFile(path.join(dataset, 'README.md'), '# House Style fine-tuning dataset\n');
  await writeFile(path.join(dataset, 'report.json'), '{"generator":"housestyle dataset build"}\n');
  await writeFile(path.join(dataset, 'train.jsonl'), rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
  if (withInfo) await writeFile(path.join(dataset, 'dataset_info.json'), JSON.stringify(datasetInfo(datasetFormat('openai'), [{ name: 'housestyle_train', fileName: 'train.jsonl', kind: 'sft' }])));
  return { workspace, dataset };
}

function options(workspace: string, dataset: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return { workspace, dataset, config: parseConfig({ ollama: { host: server.host } }), client: new OllamaClient({ host: server.host, timeoutMs: 5000 }), ...extra };
}

describe('training with the stand-in llamafactory-cli', () => {
  test('streams trainer_log.jsonl as progress and imports the adapter as a version linked to its dataset', async () => {
    const { workspace, dataset } = await workspaceWithDataset();
    const steps: TrainerLogEntry[] = [];
    const activity = new Activity();
    const seen: string[] = [];
    activity.onChange((state) => seen.push(state.tasks.map((t) => `${t.kind} ${t.percent ?? '-'}`).join(',')));
    const result = await trainAdapter(options(workspace, dataset, { onStep: (e) => steps.push(e), activity }));
    assert.deepEqual(seen, ['training -', 'training 20', 'training 40', 'training 60', 'training 80', 'training 100', ''], 'the run is a task in the activity, with its percent');
    assert.deepEqual(steps.map((s) => `${s.currentSteps}/${s.totalSteps}`), ['1/5', '2/5', '3/5', '4/5', '5/5']);
    assert.equal(steps.at(-1)!.loss, 1.25);
    assert.equal(steps.at(-1)!.remainingTime, '0:00:00');
    const registry = await readRegistry(workspace);
    const version = registry.models[0]!;
    assert.equal(version.name, result.imported.version.name);
    assert.deepEqual(version.dataset, { path: '.housestyle/dataset', cardSha256: sha256('# House Style fine-tuning dataset\n', '{"generator":"housestyle dataset build"}\n') });
    assert.deepEqual({ steps: version.training?.steps, finalLoss: version.training?.finalLoss }, { steps: 5, finalLoss: 1.25 });
    assert.equal(version.adapter.rank, 16, 'rank from the trained adapter (train_lora.yaml says 16)');
    assert.ok(server.models.has(version.name));
    // The run's config points LLaMA-Factory at this dataset and this run's output folder.
    const runYaml = await readFile(path.join(version.training!.runDir, 'train_lora.yaml'), 'utf8');
    assert.match(runYaml, new RegExp(`dataset_dir: ${dataset}`));
    assert.match(runYaml, new RegExp(`output_dir: ${version.training!.runDir}/output`));
  });

  test('a dataset LLaMA-Factory would refuse fails the run with its own words: no dataset_info.json, no valid rows', async () => {
    const missingInfo = await workspaceWithDataset([TRAIN_ROW], false);
    await assert.rejects(trainAdapter(options(missingInfo.workspace, missingInfo.dataset)), (e: HouseStyleError) => {
      assert.equal(e.code, 'training-failed');
      assert.match(e.message, /ValueError: Cannot open .*dataset_info\.json due to \[Errno 2\] No such file or directory/);
      return true;
    });
    const emptyRows = await workspaceWithDataset([{ messages: [] }, { messages: [{ role: 'user', content: 'no answer' }] }]);
    await assert.rejects(trainAdapter(options(emptyRows.workspace, emptyRows.dataset)), (e: HouseStyleError) => {
      assert.equal(e.code, 'training-failed');
      assert.match(e.message, /RuntimeError: Cannot find valid samples, check `data\/README\.md` for the data format\./);
      return true;
    });
    assert.deepEqual((await readRegistry(missingInfo.workspace)).models, []);
  });

  test('a failed run shows the log tail and what to do, and imports nothing', async () => {
    const { workspace, dataset } = await workspaceWithDataset();
    process.env.STANDIN_FAIL_AT_STEP = '3';
    try {
      await assert.rejects(trainAdapter(options(workspace, dataset)), (e: HouseStyleError) => {
        assert.equal(e.code, 'training-failed');
        assert.match(e.message, /Training failed \(exit status 1\) at step 2\/5, loss 2\.000, ETA 0:00:03\./);
        assert.match(e.message, /torch\.OutOfMemoryError: CUDA out of memory/);
        assert.match(e.hint ?? '', /lower cutoff_len or per_device_train_batch_size/);
        return true;
      });
    } finally {
      delete process.env.STANDIN_FAIL_AT_STEP;
    }
    assert.deepEqual((await readRegistry(workspace)).models, []);
  });

  test('cancelling stops the trainer and imports nothing', async () => {
    const { workspace, dataset } = await workspaceWithDataset();
    // 1,000 steps of 50 ms: the cancel at step 2 has 50 s to land, however starved this process is.
    process.env.STANDIN_STEPS = '1000';
    process.env.STANDIN_STEP_MS = '50';
    const controller = new AbortController();
    const runs = path.join(workspace, '.housestyle', 'training');
    try {
      await assert.rejects(
        trainAdapter(
          options(workspace, dataset, {
            signal: controller.signal,
            onStep: (entry) => {
              if (entry.currentSteps === 2) controller.abort();
            },
          }),
        ),
        (e: HouseStyleError) => {
          assert.equal(e.code, 'cancelled');
          assert.match(e.message, /^Training cancelled after step \d+ of 1000 \(the last one logged\); nothing was imported\. No checkpoint was saved yet \(LLaMA-Factory saves one every 500 steps: save_steps in train_lora\.yaml\), so training starts over\.$/);
          assert.equal(e.hint, `Start it again with: housestyle train --dataset ${dataset}`);
          return true;
        },
      );
    } finally {
      delete process.env.STANDIN_STEPS;
      delete process.env.STANDIN_STEP_MS;
    }
    const [run] = await readdir(runs);
    const output = path.join(runs, run!, 'output');
    // Wait for the trainer to be gone (not for a fixed time); a trainer left running would finish all 1,000 steps.
    const trainer = Number(await readFile(path.join(output, 'standin.pid'), 'utf8'));
    while (isProcessRunning(trainer)) await sleep(20);
    const steps = (await readFile(path.join(output, 'trainer_log.jsonl'), 'utf8')).split('\n').filter(Boolean).length;
    assert.ok(steps < 1000, `the trainer stopped at step ${steps}`);
    await assert.rejects(stat(path.join(output, 'adapter_model.safetensors')), 'no adapter was saved');
    assert.deepEqual((await readRegistry(workspace)).models, []);
  });

  test('cancelled after a checkpoint: the message names it and the command that resumes from it, which finishes the run', async () => {
    const { workspace, dataset } = await workspaceWithDataset();
    await writeFile(path.join(dataset, 'train_lora.yaml'), (await readFile(path.join(dataset, 'train_lora.yaml'), 'utf8')).replace('save_steps: 500', 'save_steps: 2'));
    process.env.STANDIN_STEPS = '40';
    process.env.STANDIN_STEP_MS = '100';
    const controller = new AbortController();
    let message = '';
    let hint = '';
    try {
      await assert.rejects(trainAdapter(options(workspace, dataset, { signal: controller.signal, onStep: (entry) => entry.currentSteps === 3 && controller.abort() })), (e: HouseStyleError) => {
        assert.equal(e.code, 'cancelled');
        message = e.message;
        hint = e.hint ?? '';
        return true;
      });
    } finally {
      delete process.env.STANDIN_STEP_MS;
    }
    const runs = path.join(workspace, '.housestyle', 'training');
    const [run] = await readdir(runs);
    const output = path.join(runs, run!, 'output');
    const trainer = Number(await readFile(path.join(output, 'standin.pid'), 'utf8'));
    while (isProcessRunning(trainer)) await sleep(20);
    // The newest checkpoint on disk is the one named, with the command that resumes from it.
    const newest = Math.max(...(await readdir(output)).filter((n) => n.startsWith('checkpoint-')).map((n) => Number(n.slice('checkpoint-'.length))));
    const checkpoint = path.join(output, `checkpoint-${newest}`);
    assert.match(message, /^Training cancelled after step \d+ of 40 \(the last one logged\); nothing was imported\. Saved: /);
    assert.ok(message.endsWith(`Saved: ${checkpoint} (step ${newest}).`), message);
    assert.equal(hint, `Resume from it with: housestyle train --dataset ${dataset} --resume-from ${checkpoint}`);

    await writeFile(path.join(workspace, '.housestyle', 'config.json'), JSON.stringify({ ollama: { host: server.host } }));
    try {
      const wrong = await runCli(['train', '--workspace', workspace, '--dataset', dataset, '--resume-from', output], { env: { PATH: STAND_IN_PATH } });
      assert.equal(wrong.code, 2);
      assert.match(wrong.stderr, /\S*output is not a checkpoint folder to resume from \(it has no trainer_state\.json\)\./);
      const resumed = await runCli(['train', '--workspace', workspace, '--dataset', dataset, '--resume-from', checkpoint], { env: { PATH: STAND_IN_PATH } });
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stdout, /^Trained 40 steps /);
    } finally {
      delete process.env.STANDIN_STEPS;
    }
    const version = (await readRegistry(workspace)).models[0]!;
    assert.match(await readFile(path.join(version.training!.runDir, 'train_lora.yaml'), 'utf8'), new RegExp(`resume_from_checkpoint: ${checkpoint}`));
    const resumedLog = (await readFile(path.join(version.training!.runDir, 'output', 'trainer_log.jsonl'), 'utf8')).split('\n').filter(Boolean);
    assert.equal(JSON.parse(resumedLog[0]!).current_steps, newest + 1, 'the resumed run continued after the checkpoint');
  });

  test("Cancel on the editor's training notification still says what was saved and how to start again", async () => {
    register('../support/vscodeLoader.ts', import.meta.url);
    const { standIn } = await import('../support/vscodeStandIn');
    const vscode = await import('vscode');
    const { modelCommands } = await import('../../src/vscode/models/modelCommands');
    standIn.reset();
    const { workspace, dataset } = await workspaceWithDataset();
    await writeFile(path.join(workspace, '.housestyle', 'config.json'), JSON.stringify({ ollama: { host: server.host } }));
    standIn.openDialogAnswers.push([vscode.Uri.file(dataset)]);
    standIn.inputAnswers.push(''); // this machine
    standIn.onProgressReport = (shown, value) => value.message?.startsWith('Training (step 2/') && shown.cancel();
    Object.assign(process.env, { STANDIN_STEPS: '1000', STANDIN_STEP_MS: '50' });
    try {
      const train = modelCommands['housestyle.trainAdapter']!.run({ activity: new Activity() } as never, { modelsChanged() {} } as never);
      const service = new WorkspaceService({ workspace, extensionRoot: REPO_ROOT });
      await assert.rejects(Promise.resolve(train({ folder: { uri: vscode.Uri.file(workspace) }, service } as never)), (e: HouseStyleError) => e.code === 'cancelled');
    } finally {
      for (const key of ['STANDIN_STEPS', 'STANDIN_STEP_MS']) delete process.env[key];
    }
    assert.equal(standIn.shown.length, 1);
    // What was saved, and the editor's way to start again (its Train Adapter), not the command line's.
    assert.match(standIn.shown[0]!.message, /^House Style: Training cancelled after step \d+ of 1000 \(the last one logged\); nothing was imported\. No checkpoint was saved yet .* so training starts over\. Train again\.$/);
    const [run] = await readdir(path.join(workspace, '.housestyle', 'training'));
    const trainer = Number(await readFile(path.join(workspace, '.housestyle', 'training', run!, 'output', 'standin.pid'), 'utf8'));
    while (isProcessRunning(trainer)) await sleep(20);
  });

  test('a lost ssh connection says how far the run got, that it may still be running there, and what was saved', async () => {
    const { workspace, dataset } = await workspaceWithDataset();
    await writeFile(path.join(dataset, 'train_lora.yaml'), (await readFile(path.join(dataset, 'train_lora.yaml'), 'utf8')).replace('save_steps: 500', 'save_steps: 2'));
    const remoteDir = path.join(root, 'lost-host-scratch');
    await mkdir(remoteDir, { recursive: true });
    const pidFile = path.join(root, 'ssh-standin.pid');
    Object.assign(process.env, { STANDIN_STEPS: '1000', STANDIN_STEP_MS: '50', SSH_STANDIN_PIDFILE: pidFile, PATH: `${path.join(REPO_ROOT, 'test', 'support', 'ssh-standin')}${path.delimiter}${STAND_IN_PATH}` });
    try {
      // The connection drops once step 3 is logged (the ssh stand-in, as ssh does, exits 255).
      const dropAtStep3 = (entry: TrainerLogEntry) => entry.currentSteps === 3 && process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGUSR1');
      await assert.rejects(trainAdapter(options(workspace, dataset, { remote: `gpu-box:${remoteDir}`, onStep: dropAtStep3 })), (e: HouseStyleError) => {
        assert.equal(e.code, 'training-failed');
        assert.match(e.message, /^The connection to gpu-box was lost after step \d+ of 1000 \(the last one logged\); the trainer may still be running there, and nothing was imported\.$/);
        assert.match(e.hint ?? '', new RegExp(`^Its output is in gpu-box:${remoteDir}/run-[^/]+/train\\.out\\. If it finishes, its adapter is in gpu-box:${remoteDir}/run-[^/]+/output: copy that folder here and run housestyle model import --adapter DIR --base qwen2\\.5-coder:7b\\. If it stopped: Saved: gpu-box:${remoteDir}/run-[^/]+/output/checkpoint-\\d+ \\(step \\d+\\)\\. Resume from it with: housestyle train --dataset ${dataset} --remote gpu-box:${remoteDir} --resume-from ${remoteDir}/run-[^/]+/output/checkpoint-\\d+$`));
        return true;
      });
    } finally {
      for (const key of ['STANDIN_STEPS', 'STANDIN_STEP_MS', 'SSH_STANDIN_PIDFILE']) delete process.env[key];
      process.env.PATH = STAND_IN_PATH;
    }
    assert.deepEqual((await readRegistry(workspace)).models, []);
    // The trainer went on without the connection, as on a real host: stop it (this test started it) and wait for it.
    const [run] = await readdir(remoteDir);
    const trainer = Number(await readFile(path.join(remoteDir, run!, 'output', 'standin.pid'), 'utf8'));
    if (isProcessRunning(trainer)) process.kill(trainer, 'SIGTERM');
    while (isProcessRunning(trainer)) await sleep(20);
  });

  test("a --base the dataset's model cannot serve on is refused before training, without repeating it as advice", async () => {
    const { workspace, dataset } = await workspaceWithDataset();
    await assert.rejects(trainAdapter(options(workspace, dataset, { base: 'llama3.1:8b' })), (e: HouseStyleError) => {
      assert.equal(e.code, 'usage');
      assert.equal(e.message, 'The dataset trains Qwen/Qwen2.5-Coder-7B-Instruct, which does not fit llama3.1:8b (another model family); nothing was trained.');
      assert.doesNotMatch(e.hint ?? '', /llama3\.1/);
      return true;
    });
    await assert.rejects(stat(path.join(workspace, '.housestyle', 'training')), { code: 'ENOENT' });
  });

  test('an import that fails after training says where the adapter is and how to import it', async () => {
    const { workspace, dataset } = await workspaceWithDataset();
    server.rejectNextCreate('unsupported architecture');
    await assert.rejects(trainAdapter(options(workspace, dataset)), (e: HouseStyleError) => {
      assert.equal(e.code, 'adapter-rejected');
      assert.match(e.message, /^Training succeeded, but importing the adapter in \S+ failed: Ollama refused to build \S+ from qwen2\.5-coder:7b: "unsupported architecture"\.$/);
      assert.match(e.hint ?? '', /The adapter is in .*\/output; once fixed, import it with: housestyle model import --adapter .*\/output --base qwen2\.5-coder:7b --dataset /);
      assert.deepEqual(e.fix, ['import-adapter'], 'the editor offers its import instead of the command line');
      return true;
    });
  });

  test('without llamafactory-cli it says how to install it or train elsewhere', async () => {
    const { workspace, dataset } = await workspaceWithDataset();
    process.env.PATH = '/usr/bin:/bin';
    try {
      await assert.rejects(trainAdapter(options(workspace, dataset)), (e: HouseStyleError) => e.code === 'training-failed' && /llamafactory-cli was not found/.test(e.message) && /--remote HOST:DIR/.test(e.hint ?? ''));
    } finally {
      process.env.PATH = STAND_IN_PATH;
    }
  });

  test('--remote copies the dataset there, trains there and copies the adapter back (ssh and scp stand-ins); a small GPU is a warning', async () => {
    const { workspace, dataset } = await workspaceWithDataset();
    const remoteDir = path.join(root, 'gpu-host-scratch');
    await mkdir(remoteDir, { recursive: true });
    const support = path.join(REPO_ROOT, 'test', 'support');
    process.env.PATH = [path.join(support, 'ssh-standin'), path.join(support, 'gpu-standin'), STAND_IN_PATH].join(path.delimiter);
    process.env.STANDIN_GPUS = 'NVIDIA GeForce RTX 4070:12282;NVIDIA GeForce RTX 3060:12288';
    const warnings: string[] = [];
    try {
      const result = await trainAdapter(options(workspace, dataset, { remote: `gpu-box:${remoteDir}`, logger: { info() {}, warn: (m) => warnings.push(m) } }));
      assert.deepEqual(warnings, [
        'gpu-box has 12.0 GiB of GPU memory (NVIDIA GeForce RTX 3060); LLaMA-Factory estimates 16 GB for a 16-bit LoRA run of a 7B model. ' +
          'Training may run out of GPU memory: consider quantization_bit: 4 (QLoRA) or a smaller cutoff_len in train_lora.yaml, or a larger GPU.',
      ]);
      assert.equal(result.run.host, 'gpu-box');
      const [run] = await readdir(remoteDir);
      assert.ok((await stat(path.join(remoteDir, run!, 'dataset', 'train.jsonl'))).isFile(), 'the dataset was copied to the host');
      assert.match(await readFile(path.join(remoteDir, run!, 'train_lora.yaml'), 'utf8'), new RegExp(`dataset_dir: ${remoteDir}/${run}/dataset`));
      assert.ok((await stat(path.join(result.run.runDir, 'output', 'adapter_model.safetensors'))).isFile(), 'the adapter was copied back');
      assert.equal((await readRegistry(workspace)).models[0]!.training?.host, 'gpu-box');
    } finally {
      process.env.PATH = STAND_IN_PATH;
      delete process.env.STANDIN_GPUS;
    }
  });

  test('--remote-setup readies the host before llamafactory-cli; without it, or when it fails, one line says what to do', async () => {
    // The host's non-interactive PATH lacks llamafactory-cli; a venv's activate script (sourced with `.`) adds it.
    const remote = `gpu-box:${path.join(root, 'venv-host-scratch')}`;
    await mkdir(remote.slice('gpu-box:'.length), { recursive: true });
    const venv = path.join(root, 'lf-venv');
    await mkdir(path.join(venv, 'bin'), { recursive: true });
    await writeFile(path.join(venv, 'bin', 'activate'), `PATH="${path.join(REPO_ROOT, 'test', 'support')}:$PATH"; export PATH\n`);
    const { workspace, dataset } = await workspaceWithDataset();
    process.env.PATH = `${path.join(REPO_ROOT, 'test', 'support', 'ssh-standin')}${path.delimiter}/usr/bin:/bin`;
    try {
      await assert.rejects(trainAdapter(options(workspace, dataset, { remote })), (e: HouseStyleError) => {
        assert.equal(e.message, 'llamafactory-cli was not found on gpu-box.');
        assert.match(e.hint ?? '', /non-interactive PATH.*--remote-setup '\. ~\/venvs\/lf\/bin\/activate'/);
        return true;
      });
      await assert.rejects(trainAdapter(options(workspace, dataset, { remote, remoteSetup: `. ${root}/no-venv/bin/activate # the team's venv` })), (e: HouseStyleError) => {
        assert.equal(e.code, 'training-failed');
        assert.match(e.message, /^The training host's setup command failed on gpu-box, so training did not start: \. .*no-venv\/bin\/activate # the team's venv\nLast lines of its output:\n.*no-venv\/bin\/activate/);
        assert.match(e.hint ?? '', /POSIX sh, so activate a venv with `\. DIR\/bin\/activate`, not `source`/);
        return true;
      });
      assert.deepEqual((await readRegistry(workspace)).models, []);
      // From the command line, by the environment variable; a trailing comment does not swallow the command after it.
      await writeFile(path.join(workspace, '.housestyle', 'config.json'), JSON.stringify({ ollama: { host: server.host } }));
      const cli = await runCli(['train', '--workspace', workspace, '--dataset', '.housestyle/dataset', '--remote', remote], {
        env: { PATH: process.env.PATH, HOUSESTYLE_REMOTE_SETUP: `. ${venv}/bin/activate # the team's venv` },
      });
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, /Trained 5 steps \(final loss 1\.250\) on gpu-box; registered /);
      assert.equal((await readRegistry(workspace)).models.length, 1);
    } finally {
      process.env.PATH = STAND_IN_PATH;
    }
  });

  test('housestyle train runs end to end from the command line', async () => {
    const { workspace } = await workspaceWithDataset();
    await writeFile(path.join(workspace, '.housestyle', 'config.json'), JSON.stringify({ ollama: { host: server.host } }));
    const result = await runCli(['train', '--workspace', workspace, '--dataset', '.housestyle/dataset', '--name', 'cli-trained:v1'], { env: { PATH: STAND_IN_PATH } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Trained 5 steps \(final loss 1\.250\); registered cli-trained:v1\./);
    const bad = await runCli(['train', '--workspace', workspace, '--dataset', 'nowhere'], { env: { PATH: STAND_IN_PATH } });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /has no train_lora\.yaml\. Pass a folder that `housestyle dataset build` wrote/);
  });
});

describe('training on a real LLaMA-Factory host', () => {
  const host = process.env.HOUSESTYLE_TRAIN_HOST;
  const reason = !host ? 'HOUSESTYLE_TRAIN_HOST (HOST:DIR of a machine with LLaMA-Factory and a GPU) is not set' : !process.env.OLLAMA_HOST ? 'OLLAMA_HOST (a real Ollama to import into) is not set' : false;
  if (reason) console.log(`# live training lane skipped: ${reason}`);
  test('a tiny real training run imports into a real Ollama', { skip: reason }, async () => {
    const { workspace, dataset } = await workspaceWithDataset();
    const base = process.env.HOUSESTYLE_TRAIN_OLLAMA_BASE ?? 'qwen2.5:0.5b';
    await writeFile(
      path.join(dataset, 'train_lora.yaml'),
      loraTrainingConfig({ datasetDir: dataset, outputDir: `${dataset}-adapter`, baseModel: process.env.HOUSESTYLE_TRAIN_HF_BASE ?? 'Qwen/Qwen2.5-0.5B-Instruct', template: 'qwen', train: 'housestyle_train', cutoffLength: 4096 }).replace('num_train_epochs: 3', 'num_train_epochs: 1'),
    );
    const client = new OllamaClient({ host: process.env.OLLAMA_HOST!, timeoutMs: 600_000 });
    const result = await trainAdapter({ workspace, dataset, remote: host!, base, config: parseConfig({}), client });
    assert.ok(result.run.steps > 0);
    await client.deleteModel(result.imported.version.name);
  });
});
