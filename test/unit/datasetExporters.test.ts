import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { chooseBaseModel, huggingFaceModelFor, templateFor } from '../../src/core/dataset/exporters/baseModel';
import { FORMAT_NAMES } from '../../src/core/dataset/exporters/datasetFormat';
import { datasetFormat } from '../../src/core/dataset/exporters/formats';
import { cutoffLength } from '../../src/core/dataset/exporters/cutoffLength';
import { datasetInfo, loraTrainingConfig } from '../../src/core/dataset/exporters/llamaFactory';
import { countTokens } from '../../src/core/knowledge/tokens';
import { buildSamples } from '../../src/core/dataset/samples/buildSamples';
import { promptMessages, type Prompt } from '../../src/core/dataset/samples/sample';
import { HouseStyleError } from '../../src/core/errors';
import { feedbackEvent, reviewEvent } from '../support/reviewEvents';

const { samples, pairs } = buildSamples([
  reviewEvent({ comment: 'Use const: "b" is never reassigned.\nSee `docs/style.md`.' }),
  feedbackEvent('accepted', 'let x = 1;', 'Prefer const.', { suggestion: 'const x = 1;' }),
  feedbackEvent('dismissed', 'let x = 1;', 'Rename x.'),
]);
const sample = samples[0]!;
const pair = pairs.find((p) => p.metadata.pairing === 'accepted-vs-dismissed')!;

/** What a JSONL reader sees: the record through JSON and back. */
const roundTrip = (record: object) => JSON.parse(JSON.stringify(record));

describe('exporters', () => {
  it('OpenAI chat: {"messages":[system, user, assistant]}; DPO: input.messages, preferred_output, non_preferred_output', () => {
    const format = datasetFormat('openai');
    assert.deepEqual(roundTrip(format.sampleRecord(sample)), {
      messages: [
        { role: 'system', content: sample.system },
        { role: 'user', content: `${sample.input}\n\n${sample.instruction}` },
        { role: 'assistant', content: sample.response },
      ],
    });
    assert.deepEqual(roundTrip(format.preferenceRecord(pair)), {
      input: {
        messages: [
          { role: 'system', content: pair.system },
          { role: 'user', content: `${pair.input}\n\n${pair.instruction}` },
        ],
      },
      preferred_output: [{ role: 'assistant', content: 'Prefer const.' }],
      non_preferred_output: [{ role: 'assistant', content: 'Rename x.' }],
    });
  });

  it('ShareGPT: conversations with from system/human/gpt; preference with chosen and rejected turns', () => {
    const format = datasetFormat('sharegpt');
    assert.deepEqual(roundTrip(format.sampleRecord(sample)), {
      conversations: [
        { from: 'system', value: sample.system },
        { from: 'human', value: `${sample.input}\n\n${sample.instruction}` },
        { from: 'gpt', value: sample.response },
      ],
    });
    assert.deepEqual(roundTrip(format.preferenceRecord(pair)), {
      conversations: [
        { from: 'system', value: pair.system },
        { from: 'human', value: `${pair.input}\n\n${pair.instruction}` },
      ],
      chosen: { from: 'gpt', value: 'Prefer const.' },
      rejected: { from: 'gpt', value: 'Rename x.' },
    });
  });

  it('Alpaca: instruction, input, output, system; preference with chosen and rejected', () => {
    const format = datasetFormat('alpaca');
    const served = (prompt: Prompt) => promptMessages(prompt)[1]!.content;
    /** LLaMA-Factory's AlpacaDatasetConverter (src/llamafactory/data/converter.py): the non-empty prompt and query columns joined with one newline. */
    const converted = (record: Record<string, string>) => [record.instruction, record.input].filter(Boolean).join('\n');
    assert.ok(sample.input !== '', 'a sample whose prompt has both an instruction and an input');
    const sampleRecord = roundTrip(format.sampleRecord(sample));
    assert.equal(converted(sampleRecord), served(sample));
    assert.deepEqual({ output: sampleRecord.output, system: sampleRecord.system }, { output: sample.response, system: sample.system });
    const pairRecord = roundTrip(format.preferenceRecord(pair));
    assert.equal(converted(pairRecord), served(pair));
    assert.deepEqual([pairRecord.chosen, pairRecord.rejected, pairRecord.system], ['Prefer const.', 'Rename x.', pair.system]);
    const allInstruction = { ...sample, input: '' };
    assert.equal(converted(roundTrip(format.sampleRecord(allInstruction))), served(allInstruction), 'a review-findings prompt, all instruction');
  });

  it('rejects an unknown format with the known ones named', () => {
    assert.throws(
      () => datasetFormat('csv'),
      (error: unknown) => error instanceof HouseStyleError && /openai, sharegpt, alpaca/.test(error.hint ?? ''),
    );
  });
});

describe('LLaMA-Factory dataset_info.json', () => {
  const files = [
    { name: 'housestyle_train', fileName: 'train.jsonl', kind: 'sft' as const },
    { name: 'housestyle_preference_train', fileName: 'preference_train.jsonl', kind: 'preference' as const },
  ];

  it('describes each file the way LLaMA-Factory reads that format', () => {
    assert.deepEqual(datasetInfo(datasetFormat('openai'), files), {
      housestyle_train: {
        file_name: 'train.jsonl',
        formatting: 'sharegpt',
        columns: { messages: 'messages' },
        tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system' },
      },
    });
    assert.deepEqual(datasetInfo(datasetFormat('sharegpt'), files), {
      housestyle_train: { file_name: 'train.jsonl', formatting: 'sharegpt', columns: { messages: 'conversations' } },
      housestyle_preference_train: { file_name: 'preference_train.jsonl', formatting: 'sharegpt', ranking: true, columns: { messages: 'conversations', chosen: 'chosen', rejected: 'rejected' } },
    });
    assert.deepEqual(datasetInfo(datasetFormat('alpaca'), files), {
      housestyle_train: { file_name: 'train.jsonl', formatting: 'alpaca', columns: { prompt: 'instruction', query: 'input', response: 'output', system: 'system' } },
      housestyle_preference_train: {
        file_name: 'preference_train.jsonl',
        formatting: 'alpaca',
        ranking: true,
        columns: { prompt: 'instruction', query: 'input', chosen: 'chosen', rejected: 'rejected', system: 'system' },
      },
    });
  });

  it('maps every column it names to a key the records really have', () => {
    for (const name of FORMAT_NAMES) {
      const format = datasetFormat(name);
      for (const [kind, record] of [
        ['sft', format.sampleRecord(sample)],
        ['preference', format.preferenceRecord(pair)],
      ] as const) {
        const entry = format.datasetInfo('f.jsonl', kind);
        for (const column of Object.values(entry?.columns ?? {})) assert.ok(column in record, `${name} ${kind}: ${column}`);
      }
    }
  });
});

describe('LoRA training config', () => {
  it('is YAML LLaMA-Factory reads: SFT, LoRA rank 16 / alpha 32, the validation file or val_size', () => {
    const withValidation = parse(loraTrainingConfig({ datasetDir: '/data/ds', outputDir: '/data/ds-adapter', baseModel: 'Qwen/Qwen2.5-Coder-7B-Instruct', template: 'qwen', train: 'housestyle_train', validation: 'housestyle_validation', cutoffLength: 6144 }));
    assert.equal(withValidation.stage, 'sft');
    assert.equal(withValidation.finetuning_type, 'lora');
    assert.equal(withValidation.lora_rank, 16);
    assert.equal(withValidation.lora_alpha, 32);
    assert.equal(withValidation.model_name_or_path, 'Qwen/Qwen2.5-Coder-7B-Instruct');
    assert.equal(withValidation.template, 'qwen');
    assert.equal(withValidation.dataset_dir, '/data/ds');
    assert.equal(withValidation.output_dir, '/data/ds-adapter', 'the adapter is saved outside the dataset folder');
    assert.equal(withValidation.dataset, 'housestyle_train');
    assert.equal(withValidation.eval_dataset, 'housestyle_validation');
    assert.equal(withValidation.val_size, undefined);
    assert.equal(withValidation.cutoff_len, 6144);
    const without = parse(loraTrainingConfig({ datasetDir: '/d', outputDir: '/d-adapter', baseModel: 'm', template: 'default', train: 'housestyle_train', cutoffLength: 4096 }));
    assert.equal(without.val_size, 0.1);
    assert.equal(without.eval_dataset, undefined);
  });

  it('sets cutoff_len so that the longest record is trained whole: LLaMA-Factory would cut the end of its prompt, the code', () => {
    assert.equal(cutoffLength([sample, pair]), 4096, 'short records keep the usual 4096');
    // A hybrid review sample: up to review.contextTokens of rules and a window of code before the answer.
    const long = { ...sample, input: `${sample.input}\n${'const total = price * quantity + shipping;\n'.repeat(800)}` };
    const cutoff = cutoffLength([sample, long, pair]);
    const record = datasetFormat('openai').sampleRecord(long) as { messages: { content: string }[] };
    const tokens = record.messages.reduce((sum, message) => sum + countTokens(message.content), 0);
    assert.ok(tokens > 4096, `the long sample has ${tokens} tokens`);
    assert.ok(cutoff >= tokens * 1.2 && cutoff % 1024 === 0, `cutoff_len ${cutoff} for ${tokens} tokens`);
    const longPair = { ...pair, rejected: 'Rename x. '.repeat(2500) };
    assert.ok(cutoffLength([longPair]) > 4096, 'a preference pair counts its longer answer');
  });

  it('derives the base model and template from the Ollama model family', () => {
    assert.equal(huggingFaceModelFor('qwen2.5-coder:7b'), 'Qwen/Qwen2.5-Coder-7B-Instruct');
    assert.equal(huggingFaceModelFor('qwen2.5-coder:1.5b-instruct-q4_K_M'), 'Qwen/Qwen2.5-Coder-1.5B-Instruct');
    assert.equal(huggingFaceModelFor('llama3.1'), 'meta-llama/Llama-3.1-8B-Instruct');
    assert.equal(huggingFaceModelFor('hf.co/bartowski/Phi-4-GGUF:Q4_K_M'), 'bartowski/Phi-4');
    assert.equal(huggingFaceModelFor('my-private-model:latest'), undefined);
    const cases: [string, string | undefined][] = [
      ['Qwen/Qwen2.5-Coder-7B-Instruct', 'qwen'],
      ['Qwen/Qwen3-8B', 'qwen3_nothink'],
      ['meta-llama/Llama-3.1-8B-Instruct', 'llama3'],
      ['codellama/CodeLlama-7b-Instruct-hf', 'llama2'],
      ['mistralai/Mistral-7B-Instruct-v0.3', 'mistral'],
      ['google/gemma-3-4b-it', 'gemma3'],
      ['google/gemma-2-9b-it', 'gemma'],
      ['deepseek-ai/deepseek-coder-6.7b-instruct', 'deepseekcoder'],
      ['deepseek-ai/DeepSeek-V3', 'deepseek3'],
      ['microsoft/phi-4', 'phi4'],
      ['microsoft/Phi-3-mini-4k-instruct', 'phi'],
      ['bigcode/starcoder2-7b', undefined],
    ];
    assert.deepEqual(
      cases.map(([model]) => templateFor(model)),
      cases.map(([, template]) => template),
    );
  });

  it('lets an explicit base model win, and warns when it has to guess', () => {
    assert.deepEqual(chooseBaseModel('google/gemma-3-12b-it', 'qwen2.5-coder:7b'), { model: 'google/gemma-3-12b-it', template: 'gemma3', warnings: [] });
    const guessed = chooseBaseModel(undefined, 'my-private-model');
    assert.equal(guessed.model, 'my-private-model');
    assert.equal(guessed.template, 'default');
    assert.equal(guessed.warnings.length, 2);
  });
});
