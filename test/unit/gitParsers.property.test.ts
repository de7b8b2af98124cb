import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HouseStyleError } from '../../src/core/errors';
import { GitLogParser, type GitCommit } from '../../src/core/git/gitLogStream';
import { hunkText, newSide, oldSide, parseHunkHeader, type Hunk } from '../../src/core/git/hunk';
import { parseCommitMessage } from '../../src/core/git/trailers';
import { propertyRuns } from '../support/propertyRuns';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

/** Text without the characters git never writes inside one field of our log format. */
const field = (exclude: RegExp, maxLength = 30) => fc.string({ unit: 'grapheme', maxLength }).map((s) => s.replace(exclude, ''));
const sha = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 40, maxLength: 40 });
const path = fc.stringMatching(/^[a-z]{1,8}(?:\/[a-z]{1,8})?\.[a-z]{1,3}$/);

/** A hunk whose body lines hold arbitrary text, including lines that look like commit records or diff headers. */
const hunk = fc
  .array(
    fc.tuple(
      fc.constantFrom(' ', '-', '+'),
      fc.oneof(field(/\n/g, 40), fc.constantFrom('\x1ecommit', 'diff --git a/x b/x', '@@ -1 +1 @@', '\\ No newline at end of file', '')),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .chain((body) =>
    fc.tuple(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 500 })).map(([oldStart, newStart]): Hunk => {
      const lines = body.map(([prefix, text]) => prefix + text);
      const oldLines = lines.filter((line) => line[0] !== '+').length;
      const newLines = lines.filter((line) => line[0] !== '-').length;
      return { oldStart, oldLines, newStart, newLines, header: `@@ -${oldStart},${oldLines} +${newStart},${newLines} @@`, lines };
    }),
  );

const commit = fc.record({
  sha,
  parents: fc.array(sha, { maxLength: 2 }),
  authorName: field(/[\0\n]/g),
  authorEmail: field(/[\0\n]/g),
  authorDate: fc.constant('2024-01-01T00:00:00+00:00'),
  committerDate: fc.constant('2024-01-01T00:01:00+00:00'),
  message: field(/\0/g, 120),
  notes: field(/\0/g, 60),
  files: fc.array(fc.record({ path, hunks: fc.array(hunk, { minLength: 1, maxLength: 3 }) }), { maxLength: 3 }),
});
type LoggedCommit = typeof commit extends fc.Arbitrary<infer T> ? T : never;

/** What `git log --format=<ours> --patch` writes for one commit. */
function logRecord(c: LoggedCommit): string {
  const header = `\x1e${c.sha}\0${c.parents.join(' ')}\0${c.authorName}\0${c.authorEmail}\0${c.authorDate}\0${c.committerDate}\0${c.message}\n\0${c.notes ? `${c.notes}\n` : ''}\0\n`;
  const diffs = c.files.map(
    (file) => `diff --git a/${file.path} b/${file.path}\nindex 1111111..2222222 100644\n--- a/${file.path}\n+++ b/${file.path}\n${file.hunks.map((h) => `${hunkText(h)}\n`).join('')}`,
  );
  return diffs.length ? `${header}\n${diffs.join('')}` : header;
}

/** Cuts a buffer at the given points, as a pipe would deliver it. */
function pieces(buffer: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (buffer.length + 1)))].sort((a, b) => a - b);
  return [...points, buffer.length].map((end, i) => buffer.subarray(i === 0 ? 0 : points[i - 1]!, end));
}

function parseAll(chunks: Buffer[]): GitCommit[] {
  const parser = new GitLogParser();
  return [...chunks.flatMap((chunk) => parser.write(chunk)), ...parser.end()];
}

describe('git parsers (property-based)', () => {
  it('parseHunkHeader never throws, and reads back every header it is given', () => {
    fc.assert(
      fc.property(fc.string(), (line) => {
        const parsed = parseHunkHeader(line);
        if (parsed) for (const n of [parsed.oldStart, parsed.oldLines, parsed.newStart, parsed.newLines]) assert.ok(Number.isInteger(n) && n >= 0);
      }),
      propertyRuns(RUNS),
    );
    fc.assert(
      fc.property(hunk, fc.string(), (h, section) => {
        const parsed = parseHunkHeader(`${h.header} ${section}`);
        assert.deepEqual(parsed && [parsed.oldStart, parsed.oldLines, parsed.newStart, parsed.newLines], [h.oldStart, h.oldLines, h.newStart, h.newLines]);
      }),
      propertyRuns(RUNS),
    );
  });

  it('a hunk’s sides hold its context and its removed or added lines, never throwing on any lines', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 12 }), (lines) => {
        const h: Hunk = { oldStart: 1, oldLines: 0, newStart: 1, newLines: 0, header: '@@ -1 +1 @@', lines };
        const side = (changed: string) => lines.filter((l) => l === '' || l[0] === ' ' || l[0] === changed).map((l) => l.slice(1)).join('\n');
        assert.equal(oldSide(h), side('-'));
        assert.equal(newSide(h), side('+'));
        assert.equal(hunkText(h), ['@@ -1 +1 @@', ...lines].join('\n'));
      }),
      propertyRuns(RUNS),
    );
  });

  it('parseCommitMessage never throws: one-line subject, trailers as one-line strings', () => {
    const message = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      fc.array(fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('', 'Reviewed-by: A <a@b.c>', 'Signed-off-by: B', '  continued', 'Change-Id: I12', 'not: a trailer?')), { maxLength: 12 }).map((lines) => lines.join('\n')),
    );
    fc.assert(
      fc.property(message, (text) => {
        const parsed = parseCommitMessage(text);
        assert.ok(!parsed.subject.includes('\n'));
        for (const values of Object.values(parsed.trailers)) for (const value of values) assert.ok(typeof value === 'string' && !value.includes('\n'));
      }),
      propertyRuns(RUNS),
    );
  });

  it('the git log parser reads back every commit, whatever the file contents and however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(commit, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 6 }), (commits, cuts) => {
        const parsed = parseAll(pieces(Buffer.from(commits.map(logRecord).join(''), 'utf8'), cuts));
        assert.deepEqual(
          parsed.map((c) => ({ sha: c.sha, parents: c.parents, authorName: c.authorName, authorEmail: c.authorEmail, message: c.message, notes: c.notes, lossy: c.lossy })),
          commits.map((c) => ({ sha: c.sha, parents: c.parents, authorName: c.authorName, authorEmail: c.authorEmail, message: `${c.message}\n`, notes: c.notes.trim(), lossy: false })),
        );
        assert.deepEqual(
          parsed.map((c) => c.files.map((f) => ({ path: f.newPath, hunks: f.hunks.map((h) => h.lines) }))),
          commits.map((c) => c.files.map((f) => ({ path: f.path, hunks: f.hunks.map((h) => h.lines) }))),
        );
      }),
      propertyRuns(RUNS),
    );
  });

  it('the git log parser never throws anything but a HouseStyleError on arbitrary bytes', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc.array(fc.oneof(fc.constantFrom('\x1e', '\0', '\n', 'diff --git a/x b/y', '"a\\tb" "b\\101"', '@@ -1,2 +1 @@', '+x', '-', ' ', '\\', 'rename from "q', 'Binary files'), fc.string({ maxLength: 10 })), { maxLength: 60 }).map((parts) => Buffer.from(parts.join(''))),
    );
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 6 }), (input, cuts) => {
        try {
          parseAll(pieces(Buffer.from(input), cuts));
        } catch (error) {
          assert.ok(error instanceof HouseStyleError, `untyped ${String(error)}`);
        }
      }),
      propertyRuns(RUNS),
    );
  });
});
