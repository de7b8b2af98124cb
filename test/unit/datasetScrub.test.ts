import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/core/config';
import { writeDatasetFrom } from '../../src/core/dataset/build';
import { FORMAT_NAMES } from '../../src/core/dataset/exporters/datasetFormat';
import { Scrubber, shannonEntropy } from '../../src/core/dataset/scrub';
import { planted, plantedCounts, plantedFragments, secretsFile } from '../fixtures/secrets/plantedSecrets';
import { evidence, reviewEvent } from '../support/reviewEvents';

const asHunk = (text: string) => {
  const lines = text.split('\n');
  return [`@@ -0,0 +1,${lines.length} @@`, ...lines.map((line) => `+${line}`)].join('\n');
};

describe('Scrubber.text', () => {
  it('replaces every planted secret with its typed placeholder and counts each kind exactly', () => {
    const scrubber = new Scrubber({ anonymizeAuthors: true });
    const out = scrubber.text(secretsFile());
    assert.deepEqual(
      plantedFragments().filter((fragment) => out.includes(fragment)),
      [],
    );
    assert.deepEqual(scrubber.counts.toRecord(), Object.fromEntries(Object.entries(plantedCounts).sort(([a], [b]) => (a < b ? -1 : 1))));
    assert.match(out, /^AWS_ACCESS_KEY_ID=<SECRET:aws-access-key>$/m);
    assert.match(out, /^AWS_SECRET_ACCESS_KEY=<SECRET:aws-secret-key>$/m);
    assert.match(out, /^db_password = "<SECRET:generic-secret>"$/m);
    assert.match(out, /^maintainers = \["<EMAIL>", "Ops <EMAIL>"\]$/m);
    assert.equal(out.match(/<SECRET:private-key>/g)?.length, 2);
  });

  it('keeps low-entropy values, references, placeholders and hashes, uncounted', () => {
    const scrubber = new Scrubber({ anonymizeAuthors: true });
    const text = [
      'password = "changeme"',
      'const token = await getToken(user);',
      'password: config.db.pass2',
      'commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904',
      'api_key = "<SECRET:generic-secret>"',
      'see docs/style.md for naming',
    ].join('\n');
    assert.equal(scrubber.text(text), text);
    assert.equal(scrubber.counts.total, 0);
  });

  it('scrubs a private key block cut off before its END line to the end of the text', () => {
    const scrubber = new Scrubber({ anonymizeAuthors: false });
    const truncated = planted.rsaKey.split('\n').slice(0, 4).join('\n');
    assert.equal(scrubber.text(`key:\n${truncated}`), 'key:\n<SECRET:private-key>');
  });

  it('measures entropy in bits per character', () => {
    assert.equal(shannonEntropy('aaaa'), 0);
    assert.equal(shannonEntropy('abcd'), 2);
    assert.ok(shannonEntropy(planted.dbPassword) > 3.5);
  });
});

describe('Scrubber authors', () => {
  it('gives each person one stable pseudonym, keyed by email when there is one', () => {
    const scrubber = new Scrubber({ anonymizeAuthors: true });
    assert.equal(scrubber.person('Jane Doe <jane@example.com>'), 'author-1');
    assert.equal(scrubber.person('octocat'), 'author-2');
    assert.equal(scrubber.person('J. Doe <JANE@example.com>'), 'author-1');
    assert.equal(scrubber.comment('Thanks @octocat; see `@octocat` in code, @param, and ask @mona-lisa.'), 'Thanks @author-2; see `@octocat` in code, @param, and ask @author-3.');
    assert.equal(scrubber.counts.get('author'), 5);
  });

  it('keeps names but still scrubs emails when anonymization is off', () => {
    const scrubber = new Scrubber({ anonymizeAuthors: false });
    const event = scrubber.event(
      reviewEvent({ author: 'Jane Doe <jane@example.com>', reviewer: 'octocat', comment: 'cc @octocat', metadata: { trailers: { 'Reviewed-by': ['Bob <bob@example.com>'] } } }),
    );
    assert.equal(event.author, 'Jane Doe <EMAIL>');
    assert.equal(event.reviewer, 'octocat');
    assert.equal(event.comment, 'cc @octocat');
    assert.deepEqual(event.metadata.trailers, { 'Reviewed-by': ['Bob <EMAIL>'] });
    assert.deepEqual(scrubber.counts.toRecord(), { email: 2 });
  });

  it('scrubs every string field of an event, including metadata it does not know', () => {
    const scrubber = new Scrubber({ anonymizeAuthors: true });
    const event = scrubber.event(
      reviewEvent({
        path: `config/${planted.emails[0]}/settings.env`,
        author: 'Jane <jane@example.com>',
        metadata: {
          url: `https://example.com/hook?token=${planted.githubTokens[0]}`,
          trailers: { 'Reviewed-by': ['Bob <bob@example.com>'], 'Change-Id': ['I0123456789abcdef'] },
          feedback: { verdict: 'accepted', suggestion: `clientSecret = "${planted.clientSecret}"` },
        },
      }),
    );
    const text = JSON.stringify(event);
    assert.deepEqual(
      plantedFragments().filter((fragment) => text.includes(fragment)),
      [],
    );
    assert.equal(event.author, 'author-1');
    assert.deepEqual(event.metadata.trailers, { 'Reviewed-by': ['author-2'], 'Change-Id': ['I0123456789abcdef'] });
    assert.equal(event.path, 'config/<EMAIL>/settings.env');
  });
});

describe('no planted secret reaches any output file', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'housestyle-scrub-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  for (const format of FORMAT_NAMES) {
    it(`in the ${format} format, with the counts in report.json and the card`, async () => {
      const out = path.join(root, format);
      const events = [
        reviewEvent({
          groupId: 'pr-7',
          path: 'deploy/settings.env',
          diffHunk: asHunk(secretsFile()),
          before: undefined,
          after: undefined,
          author: 'Jane Doe <jane@example.com>',
          reviewer: 'octocat',
          comment: `@octocat this leaks credentials; ask ${planted.emails[0]} to rotate them.`,
        }),
        reviewEvent({ groupId: 'pr-8', comment: 'Use const: b is never reassigned, per docs/style.md#constants.' }),
      ];
      const config = parseConfig({});
      const report = await writeDatasetFrom(evidence(...events, { skip: { source: `commit by ${planted.emails[1]}`, reason: 'bot author' } }), { out, format, config });

      const expected = { ...plantedCounts, email: plantedCounts.email! + 2, author: 3 };
      assert.deepEqual(report.scrubs, Object.fromEntries(Object.entries(expected).sort(([a], [b]) => (a < b ? -1 : 1))));

      const files = await readdir(out);
      assert.deepEqual(files.sort(), [...report.files].sort());
      for (const file of files) {
        const text = await readFile(path.join(out, file), 'utf8');
        const leaks = plantedFragments().filter((fragment) => text.includes(fragment) || text.includes(JSON.stringify(fragment).slice(1, -1)));
        assert.deepEqual(leaks, [], `${file} leaks`);
        assert.ok(!/jane|octocat/i.test(text), `${file} names a person`);
      }
      const card = await readFile(path.join(out, 'README.md'), 'utf8');
      assert.match(card, /\| github-token \| 6 \|/);
      assert.match(card, /\| private-key \| 2 \|/);
      assert.match(card, /\| email \| 4 \|/);
      const written = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
      assert.deepEqual(written.scrubs, report.scrubs);
    });
  }
});
