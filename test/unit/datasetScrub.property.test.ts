import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Scrubber } from '../../src/core/dataset/scrub';
import { plantedLines, secretsFile } from '../fixtures/secrets/plantedSecrets';

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

describe('Scrubber (property-based)', () => {
  it('never crashes on arbitrary text or bytes', () => {
    fc.assert(
      fc.property(text, (input) => {
        assert.equal(typeof scrub(input).text, 'string');
      }),
      { numRuns: RUNS },
    );
  });

  it('is idempotent: what it wrote passes through again unchanged and uncounted', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.tuple(noise, separator, fc.constant(secretsFile()), separator, noise).map((parts) => parts.join(''))), (input) => {
        const once = scrub(input).text;
        assert.deepEqual(scrub(once), { text: once, total: 0 });
      }),
      { numRuns: RUNS },
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
      { numRuns: RUNS * 3 },
    );
  });
});
