import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Scrubber } from '../../src/core/dataset/scrub';
import { plantedLines, secretsFile } from '../fixtures/secrets/plantedSecrets';
import { propertyRuns } from '../support/propertyRuns';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

const scrub = (text: string) => {
  const scrubber = new Scrubber({ anonymizeAuthors: false });
  return { text: scrubber.text(text), total: scrubber.counts.total };
};

/** Surrounding text: arbitrary characters, and code-ish lines with names, numbers and punctuation. */
const noise = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.array(fc.constantFrom('const x = 1;', 'password', 'token:', '=', '"', "'", '`', '-----', 'https://', '@', '+', '==', 'AKIA', 'sk_', '\n', ' ', 'Bearer'), { maxLength: 12 }).map((parts) => parts.join('')),
);
/** How a secret is set apart from its surroundings: whitespace, a statement or list separator. */
const separator = fc.constantFrom(' ', '\n', '\t', ' ; ', ' , ', '\n\n');
const text = fc.oneof(noise, fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('utf8')));

const chars = (alphabet: string, minLength: number, maxLength = minLength) => fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const HEX = '0123456789abcdef';
const ALNUM = UPPER + LOWER + DIGITS;
const URL_SAFE = `${ALNUM}_-`;
const join = (...parts: fc.Arbitrary<string>[]) => fc.tuple(...parts).map((values) => values.join(''));
const literal = (value: string) => fc.constant(value);
const octet = fc.integer({ min: 0, max: 255 });

/** Fresh values of every token class (the fixture's are fixed), as a secret scanner's rules describe them. */
const freshSecrets: Record<string, fc.Arbitrary<string>> = {
  'aws-access-key': join(fc.constantFrom('AKIA', 'ASIA', 'AROA'), chars(UPPER + DIGITS, 16)),
  'gcp-api-key': join(literal('AIza'), chars(URL_SAFE, 35)),
  'gcp-oauth-token': join(literal('ya29.'), chars(URL_SAFE, 30, 90)),
  'azure-client-secret': join(chars(ALNUM, 3), chars(DIGITS, 1), literal('Q~'), chars(`${ALNUM}_~.-`, 31, 34)).filter((v) => /[\w~]$/.test(v)),
  'digitalocean-token': join(fc.constantFrom('dop_v1_', 'doo_v1_'), chars(HEX, 64)),
  'github-token': fc.oneof(join(fc.constantFrom('ghp_', 'gho_', 'ghs_'), chars(ALNUM, 36)), join(literal('github_pat_'), chars(`${ALNUM}_`, 82))),
  'gitlab-token': join(fc.constantFrom('glpat-', 'gldt-', 'glrt-'), chars(URL_SAFE, 20)),
  'bitbucket-token': join(literal('ATBB'), chars(ALNUM, 32)),
  'stripe-key': join(fc.constantFrom('sk_live_', 'rk_live_', 'sk_test_'), chars(ALNUM, 24, 99)),
  'square-token': fc.oneof(join(literal('EAAA'), chars(URL_SAFE, 60)), join(literal('sq0csp-'), chars(URL_SAFE, 43))),
  'braintree-token': join(literal('access_token$production$'), chars(LOWER + DIGITS, 16), literal('$'), chars(HEX, 32)),
  'slack-token': join(fc.constantFrom('xoxb-', 'xoxp-'), chars(DIGITS, 12), literal('-'), chars(DIGITS, 13), literal('-'), chars(ALNUM, 24)),
  'discord-token': join(fc.constantFrom('M', 'N', 'O'), chars(ALNUM, 23, 25), literal('.'), chars(URL_SAFE, 6), literal('.'), chars(URL_SAFE, 27, 38)).filter((v) => /\w$/.test(v)),
  'telegram-bot-token': join(chars('123456789', 1), chars(DIGITS, 7, 9), literal(':'), chars(URL_SAFE, 35)),
  'twilio-key': join(literal('SK'), chars(HEX, 32)),
  'sendgrid-key': join(literal('SG.'), chars(URL_SAFE, 22), literal('.'), chars(URL_SAFE, 43)),
  'mailgun-key': join(literal('key-'), chars(LOWER + DIGITS, 32)),
  'mailchimp-key': join(chars(HEX, 32), literal('-us'), chars(DIGITS, 1, 2)),
  'npm-token': join(literal('npm_'), chars(ALNUM, 36)),
  'pypi-token': join(literal('pypi-AgEIcHlwaS5vcmc'), chars(URL_SAFE, 50, 120)),
  'nuget-key': join(literal('oy2'), chars(LOWER + DIGITS, 43)),
  'rubygems-key': join(literal('rubygems_'), chars(HEX, 48)),
  'openai-key': join(literal('sk-proj-'), chars(URL_SAFE, 40, 120)),
  'anthropic-key': join(literal('sk-ant-api03-'), chars(URL_SAFE, 80, 100)),
  'huggingface-token': join(literal('hf_'), chars(UPPER + LOWER, 34)),
  jwt: join(literal('eyJ'), chars(URL_SAFE, 10, 40), literal('.eyJ'), chars(URL_SAFE, 10, 80), literal('.'), chars(URL_SAFE, 16, 86)),
  'high-entropy': fc.oneof(chars(HEX, 64), fc.uint8Array({ minLength: 48, maxLength: 48 }).map((bytes) => Buffer.from(bytes).toString('base64'))),
  'ip-address': fc.tuple(fc.integer({ min: 1, max: 254 }).filter((n) => n !== 127), octet, octet, octet).map((parts) => parts.join('.')),
};
/** Where a bare token sits: alone, quoted, assigned, called, in a query string, ending a sentence. */
const placing = fc.constantFrom((v: string) => v, (v: string) => `"${v}"`, (v: string) => `'${v}'`, (v: string) => `x=${v}`, (v: string) => `f(${v})`, (v: string) => `${v},`, (v: string) => `https://api.acme.test/v1?k=${v}&a=1`, (v: string) => `see ${v}.`);

describe('Scrubber (property-based)', () => {
  it('never crashes on arbitrary text or bytes', () => {
    fc.assert(
      fc.property(text, (input) => {
        assert.equal(typeof scrub(input).text, 'string');
      }),
      propertyRuns(RUNS),
    );
  });

  it('is idempotent: what it wrote passes through again unchanged and uncounted', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.tuple(noise, separator, fc.constant(secretsFile()), separator, noise).map((parts) => parts.join(''))), (input) => {
        const once = scrub(input).text;
        assert.deepEqual(scrub(once), { text: once, total: 0 });
      }),
      propertyRuns(RUNS),
    );
  });

  it('lets no planted secret of any class survive inside random surrounding text, in prose or in a diff hunk', () => {
    fc.assert(
      fc.property(fc.constantFrom(...plantedLines()), noise, separator, separator, noise, fc.boolean(), (planted, before, open, close, after, asHunk) => {
        let input = `${before}${open}${planted.line}${close}${after}`;
        if (asHunk) input = ['@@ -1,1 +1,9 @@', ...input.split('\n').map((line) => `+${line}`)].join('\n');
        const out = scrub(input).text;
        assert.deepEqual(
          planted.needles.filter((needle) => out.includes(needle) && !`${before}${after}`.includes(needle)),
          [],
        );
      }),
      propertyRuns(RUNS * 3),
    );
  });

  it('lets no freshly generated token of any class survive, however it is placed and whatever surrounds it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.entries(freshSecrets)).chain(([kind, value]) => fc.tuple(fc.constant(kind), value)), placing, noise, separator, noise, ([kind, value], place, before, open, after) => {
        const out = scrub(`${before}${open}${place(value)}${open}${after}`).text;
        assert.ok(!out.includes(value) || `${before}${after}`.includes(value), `${kind} ${value} survived in ${JSON.stringify(out)}`);
      }),
      propertyRuns(RUNS * 3),
    );
  });
});
