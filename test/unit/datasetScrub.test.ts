import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/core/config';
import { writeDatasetFrom } from '../../src/core/dataset/writeDataset';
import { FORMAT_NAMES } from '../../src/core/dataset/exporters/datasetFormat';
import { Scrubber } from '../../src/core/dataset/scrub';
import { looksRandom, scrubClass, shannonEntropy } from '../../src/core/dataset/secretPatterns';
import { keyTail, planted, plantedCounts, plantedFragments, plantedLines, secretsFile } from '../fixtures/secrets/plantedSecrets';
import { evidence, reviewEvent } from '../support/reviewEvents';
import { seededRandom } from '../support/seededRandom';

const asHunk = (text: string) => {
  const lines = text.split('\n');
  return [`@@ -0,0 +1,${lines.length} @@`, ...lines.map((line) => `+${line}`)].join('\n');
};

const sorted = (record: Partial<Record<string, number>>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));

describe('Scrubber.text', () => {
  it('replaces every planted secret with its typed placeholder and counts each kind exactly', () => {
    const scrubber = new Scrubber({ anonymizeAuthors: true });
    const out = scrubber.text(secretsFile());
    assert.deepEqual(
      plantedFragments().filter((fragment) => out.includes(fragment)),
      [],
    );
    assert.deepEqual(scrubber.counts.toRecord(), sorted(plantedCounts));
    assert.match(out, /^AWS_ACCESS_KEY_ID=<SECRET:aws-access-key>$/m);
    assert.match(out, /^AWS_SECRET_ACCESS_KEY=<SECRET:aws-secret-key>$/m);
    assert.match(out, /^db_password = "<SECRET:generic-secret>"$/m);
    assert.match(out, /^password = "<SECRET:generic-secret>"$/m);
    assert.match(out, /^maintainers = \["<EMAIL>", "Ops <EMAIL>"\]$/m);
    assert.match(out, /^DATABASE_URL=postgres:\/\/deploy:<SECRET:url-credentials>@<IP>:5432\/orders$/m);
    assert.match(out, /^On call: <PHONE> or <PHONE>$/m);
    assert.equal(out.match(/<SECRET:private-key>/g)?.length, 2);
  });

  it('catches each planted line on its own, as its own kind', () => {
    for (const { line, kinds, needles } of plantedLines()) {
      const scrubber = new Scrubber({ anonymizeAuthors: false });
      const out = scrubber.text(line);
      assert.deepEqual(
        needles.filter((needle) => out.includes(needle)),
        [],
        line,
      );
      const expected: Record<string, number> = {};
      for (const kind of kinds) expected[kind] = (expected[kind] ?? 0) + 1;
      assert.deepEqual(scrubber.counts.toRecord(), sorted(expected), line);
    }
  });

  it('scrubs a diff hunk the same way and keeps every line its diff marker', () => {
    const scrubber = new Scrubber({ anonymizeAuthors: false });
    const out = scrubber.text(asHunk(secretsFile()));
    assert.deepEqual(
      plantedFragments().filter((fragment) => out.includes(fragment)),
      [],
    );
    assert.deepEqual(scrubber.counts.toRecord(), sorted(plantedCounts));
    assert.deepEqual(
      out.split('\n').filter((line) => !/^(?:@@ |\+)/.test(line)),
      [],
    );
  });

  it('keeps the diff marker of a hunk line that starts with an email or a phone number', () => {
    const scrubber = new Scrubber({ anonymizeAuthors: false });
    const hunk = ['@@ -1,2 +1,2 @@', '-jane.doe@example.com', '++44 20 7946 0958', '+(415) 555-0132 (desk)'].join('\n');
    assert.equal(scrubber.text(hunk), ['@@ -1,2 +1,2 @@', '-<EMAIL>', '+<PHONE>', '+<PHONE> (desk)'].join('\n'));
    assert.deepEqual(scrubber.counts.toRecord(), { email: 1, phone: 2 });
    // The marker is never read as a country code: an added line of digits (a stream id, a timestamp) is kept, in a
    // hunk, while a plain text's line that opens with a '+' number is still a phone.
    const ids = ['@@ -1,2 +1,2 @@', '+1695649068107-0', '+1695649446276', '+415-555-0132'].join('\n');
    assert.equal(scrubber.text(ids), ['@@ -1,2 +1,2 @@', '+1695649068107-0', '+1695649446276', '+<PHONE>'].join('\n'));
    assert.equal(scrubber.text('+14155550132 after six'), '+<PHONE> after six');
  });

  it('is idempotent: scrubbed text passes through again unchanged and uncounted', () => {
    const once = new Scrubber({ anonymizeAuthors: false }).text(secretsFile());
    const again = new Scrubber({ anonymizeAuthors: false });
    assert.equal(again.text(once), once);
    assert.equal(again.counts.total, 0);
  });

  it('scrubs and counts a text seen again as it did the first time (short texts are remembered)', () => {
    const scrubber = new Scrubber({ anonymizeAuthors: false });
    const lines = plantedLines()
      .map(({ line }) => line)
      .filter((line) => line.length <= 256);
    assert.ok(lines.length >= 10, 'short planted lines to repeat');
    const first = lines.map((line) => scrubber.text(line));
    const once = scrubber.counts.toRecord();
    const second = lines.map((line) => scrubber.text(line));
    assert.deepEqual(second, first);
    assert.deepEqual(scrubber.counts.toRecord(), Object.fromEntries(Object.entries(once).map(([kind, n]) => [kind, n * 2])));
    assert.ok(second.every((line, i) => line !== lines[i]), 'every planted line is still replaced');
  });

  it('keeps ordinary code, prose, hashes, commit ids, references and placeholders, uncounted', () => {
    const scrubber = new Scrubber({ anonymizeAuthors: true });
    const text = [
      'const token = await getToken(user);',
      'password: config.db.pass2',
      'db = connect(user=user, password=password)',
      'const options = { password: pwd, token: token };',
      'password = os.environ["DB_PASSWORD"]',
      'if (password === "") return;',
      'PASSWORD=${DB_PASSWORD}',
      'password: "{{ vault_db_password }}"',
      'password = "********"',
      '"password": "Password",',
      'tokenizer = "bert-base-uncased"',
      'max_tokens = 512',
      'export type SecretName = "apiKeyId" | "clientSecret";',
      'Fixes 4b825dc642cb6eb9a060e54bf8d69288fbee4904 and 9fceb02 (see commit e83c5163316f89bfbde7d9ab23ca2e25604af290).',
      'Merge 3f786850e387550fdab836ed7e6dc881de23001b into 89e6c98d92887913cadf06b2adb97f26cde4849b',
      'image: node@sha256:4d7b6a6a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccdd',
      '"integrity": "sha512-7KyWAIWXtXV6ZjXgnKbyOoRtXgDrTEWDbeU7sEzU0eOvrLqDmmtVQjPtWYNHTGoAXnlRqm+XKbT9C8nXYQ/zZw==",',
      'id = "550e8400-e29b-41d4-a716-446655440000"',
      'getUserAccountSettingsForTenant2024(MAX_RETRY_COUNT_FOR_HTTP2_REQUESTS);',
      'import { scrubClass } from "../../src/core/dataset/secretPatterns";',
      'Basic authentication is off; Bearer tokens expire after an hour.',
      "headers.Authorization = `Bearer ${token}`;",
      'Released 1.2.3 on 2026-12-02 at 10:30; listens on 127.0.0.1:8080 and 0.0.0.0, netmask 255.255.255.0.',
      'const started = 1732406400; const big = 12345678901234567890n;',
      'api_key = "<SECRET:generic-secret>"',
      "cls_token: '[CLS]', pad_token: '<pad>'",
      'const TOKEN = /[\\p{L}\\p{N}_]+/gu;',
      'Set db_password = … in the vault, then token: see below.',
      'see docs/style.md for naming',
    ].join('\n');
    assert.equal(scrubber.text(text), text);
    assert.equal(scrubber.counts.total, 0);
  });

  it('scrubs a private key cut off before its END line to the end of the text', () => {
    const scrubber = new Scrubber({ anonymizeAuthors: false });
    const truncated = planted.rsaKey.split('\n').slice(0, 4).join('\n');
    assert.equal(scrubber.text(`key:\n${truncated}`), 'key:\n<SECRET:private-key>');
  });

  it('scrubs the body lines of a key whose BEGIN line is not in the text, in plain text, in a hunk and JSON-escaped', () => {
    const tail = keyTail();
    const scrubber = new Scrubber({ anonymizeAuthors: false });
    assert.equal(scrubber.text(`const key = \`\n${tail.text}`), 'const key = `\n<SECRET:private-key>\nexport const keyLoaded = true;');
    assert.equal(scrubber.text(asHunk(tail.text)), '@@ -0,0 +1,5 @@\n+<SECRET:private-key>\n+export const keyLoaded = true;');
    const escaped = `  "private_key": "${tail.text.split('\n').slice(0, -1).join('\\n')}\\n",`;
    assert.equal(scrubber.text(escaped), '  "private_key": "\\n<SECRET:private-key>\\n",');
    assert.deepEqual(scrubber.counts.toRecord(), { 'private-key': 3 });
  });

  it('scrubs key body lines with neither marker, short last line included', () => {
    const body = planted.rsaKey.split('\n').slice(3, -1);
    const scrubber = new Scrubber({ anonymizeAuthors: false });
    const out = scrubber.text(asHunk(['const parts = [', ...body, '];'].join('\n')));
    assert.deepEqual(
      body.filter((line) => out.includes(line)),
      [],
    );
    assert.match(out, /^\+<SECRET:high-entropy>$/m);
  });

  it('tells random data from identifiers: seeded salts, keys and key lines are caught, names in code are kept', () => {
    const next = seededRandom(7);
    const random = (bytes: number, encoding: BufferEncoding) => Buffer.from(Array.from({ length: bytes }, () => Math.floor(next() * 256))).toString(encoding);
    const caught = (values: string[]) => values.filter((value) => looksRandom(value)).length / values.length;
    assert.ok(caught(Array.from({ length: 500 }, () => random(16, 'base64'))) >= 0.97, '16-byte salts');
    assert.ok(caught(Array.from({ length: 500 }, () => random(48, 'base64'))) >= 0.99, '64-character key lines');
    assert.equal(caught(Array.from({ length: 200 }, () => random(32, 'hex'))), 1, '64-hex keys');
    assert.equal(caught(Array.from({ length: 200 }, () => `0x${random(32, 'hex')}`)), 1, '64-hex keys written as literals');
    const names = [
      'getUserAccountSettingsForTenant2024',
      'MAX_RETRY_COUNT_FOR_HTTP2_REQUESTS',
      'Wav2Vec2PreTrainedModel',
      'ConvNextV2ForImageClassification',
      'ExistingAccountSubmitPasswordResultStateV2',
      'x86_64-unknown-linux-musl',
      'lancedb/lancedb-win32-x64-msvc',
      'js/commit/d1ae3ce46370254ada0f3db689506a9139c8d1ee',
      'issuecomment-2111918479',
      'browserCrypto=',
      'uint16_to_float32',
      '550e8400-e29b-41d4-a716-446655440000',
      '4b3d96fd-fb87-4951-a979-eb4f9d2f2ce9-isWrapObject',
      '0xc6a4a7935bd1e995ULL',
      '0x9E3779B97F4A7C15u64',
      'urn_550E8400-E29B-41D4-A716-446655440000',
      'base64EncodedSHA256Digest',
      'HuggingFaceTB/SmolLM3-3B',
    ];
    assert.deepEqual(
      names.filter((name) => looksRandom(name)),
      [],
    );
    // A UUID in a token does not hide random data beside it.
    assert.equal(looksRandom(`550e8400-e29b-41d4-a716-446655440000-${random(24, 'base64url')}`), true);
  });

  it('measures entropy in bits per character', () => {
    assert.equal(shannonEntropy('aaaa'), 0);
    assert.equal(shannonEntropy('abcd'), 2);
    assert.ok(shannonEntropy(planted.dbPassword) > 3.5);
  });

  it('puts every kind in a class, people and addresses under personal data', () => {
    assert.equal(scrubClass('stripe-key'), 'payment');
    assert.equal(scrubClass('npm-token'), 'package-registry');
    assert.equal(scrubClass('phone'), 'personal-data');
    assert.equal(scrubClass('author'), 'personal-data');
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
      assert.deepEqual(report.scrubs, sorted(expected));

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
      assert.match(card, /\| payment \| 4 \|/);
      assert.match(card, /\| personal-data \| 11 \|/);
      const written = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
      assert.deepEqual(written.scrubs, report.scrubs);
    });
  }
});
