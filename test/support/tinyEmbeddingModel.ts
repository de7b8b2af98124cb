// Writes a tiny BERT-shaped feature-extraction model that transformers.js loads like all-MiniLM-L6-v2:
// the graph is one Gather over a seeded embedding table, so tests can compute expected vectors by hand.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { seededRandom } from './seededRandom';

const { onnx } = onnxProto;

const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

const WORDS = `the a an and or not of to in on for with by from as at is are was be been use uses used never always
should must may can do does prefer avoid instead when if then else each every all any no only one two new old
code review style guide rule rules team name names naming variable variables function functions class classes
method methods type types file files test tests error errors value values string strings number numbers list
array map set object key keys line lines comment comments doc docs import export module modules package return
returns async await promise callback loop index length size first last short long small large clear simple
explicit implicit public private const let var camel case snake pascal upper lower prefix suffix tab tabs space
spaces indent brace braces quote quotes single double semicolon trailing comma width column limit log logs
logger debug info warn warning message messages exception throw catch try finally handle handler null undefined
empty default option options config setting settings path paths folder read write open close start stop run
build commit branch merge change changes diff patch bug fix feature api http request response client server
query database table row rows field fields schema json yaml markdown text data input output user users id
date time timeout retry cache memory thread worker queue batch stream buffer byte bytes hash vector search
model models token tokens prompt score rank order sort filter find get put post delete update create remove
add check valid invalid safe unsafe secret secrets password key security lint format formatter readme`.split(/\s+/);

const CHARACTERS = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const PUNCTUATION = '.,;:!?\'"()[]{}<>-_=+*/\\|@#$%^&~`'.split('');

/** Whole words, then single characters and `##` continuations, so any ASCII word tokenizes without [UNK]. */
function buildVocab(): string[] {
  const pieces = [...WORDS, ...CHARACTERS, ...PUNCTUATION, ...CHARACTERS.map((c) => `##${c}`)];
  return [...SPECIAL_TOKENS, ...new Set(pieces)];
}


function buildGraph(vocabSize: number, hiddenSize: number): Uint8Array {
  const random = seededRandom(20261124);
  const weights = Float32Array.from({ length: vocabSize * hiddenSize }, () => random() * 2 - 1);
  const int64Input = (name: string) => ({
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.INT64, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }] } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'housestyle-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny-bert',
      node: [{ opType: 'Gather', input: ['embeddings', 'input_ids'], output: ['last_hidden_state'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] }],
      initializer: [
        { name: 'embeddings', dims: [vocabSize, hiddenSize], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(weights.buffer) },
      ],
      input: [int64Input('input_ids'), int64Input('attention_mask'), int64Input('token_type_ids')],
      output: [
        {
          name: 'last_hidden_state',
          type: {
            tensorType: {
              elemType: onnx.TensorProto.DataType.FLOAT,
              shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }, { dimValue: hiddenSize }] },
            },
          },
        },
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

function buildTokenizer(vocab: string[]): object {
  const id = (token: string) => vocab.indexOf(token);
  const special = (token: string) => ({ SpecialToken: { id: token, type_id: 0 } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((token) => ({
      id: id(token),
      content: token,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]')],
      pair: [special('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]'), { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: Object.fromEntries(['[CLS]', '[SEP]'].map((token) => [token, { id: token, ids: [id(token)], tokens: [token] }])),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((token, index) => [token, index])),
    },
  };
}

export async function writeTinyEmbeddingModel(dir: string, options: { hiddenSize?: number } = {}): Promise<{ dir: string; vocab: string[] }> {
  const hiddenSize = options.hiddenSize ?? 16;
  const vocab = buildVocab();
  await mkdir(path.join(dir, 'onnx'), { recursive: true });
  const json = (value: object) => JSON.stringify(value, null, 2);
  await writeFile(path.join(dir, 'onnx', 'model.onnx'), buildGraph(vocab.length, hiddenSize));
  await writeFile(path.join(dir, 'tokenizer.json'), json(buildTokenizer(vocab)));
  await writeFile(
    path.join(dir, 'tokenizer_config.json'),
    json({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: 512,
      clean_up_tokenization_spaces: true,
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      mask_token: '[MASK]',
    }),
  );
  await writeFile(
    path.join(dir, 'config.json'),
    json({ model_type: 'bert', architectures: ['BertModel'], hidden_size: hiddenSize, vocab_size: vocab.length, max_position_embeddings: 512, pad_token_id: 0 }),
  );
  return { dir, vocab };
}
