import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseUnifiedDiff } from '../../src/core/git/unifiedDiff';

// The shapes below are what git 2.39 writes for `git diff --unified=0 -M` with core.quotepath=off
// (diff.c: show_rename_copy, "Binary files ... differ", quote_c_style for names with control characters).
const DIFF = [
  'diff --git a/old name.ts b/new name.ts',
  'similarity index 90%',
  'rename from old name.ts',
  'rename to new name.ts',
  'index 1111111..2222222 100644',
  '--- a/old name.ts',
  '+++ b/new name.ts',
  '@@ -2 +2 @@',
  '-const a = 1;',
  '+const a = 2;',
  'diff --git a/logo.png b/logo.png',
  'index 3333333..4444444 100644',
  'Binary files a/logo.png and b/logo.png differ',
  'diff --git a/gone.ts b/gone.ts',
  'deleted file mode 100644',
  'index 5555555..0000000',
  '--- a/gone.ts',
  '+++ /dev/null',
  '@@ -1 +0,0 @@',
  '-export {};',
  'diff --git a/données/été.md b/données/été.md',
  'index 6666666..7777777 100644',
  '--- a/données/été.md',
  '+++ b/données/été.md',
  '@@ -4,0 +5,2 @@',
  '+diff --git a/not b/a header',
  '+@@ -1 +1 @@ nor a hunk',
  '@@ -9 +10,0 @@',
  '-last',
  '\\ No newline at end of file',
  'diff --git "a/tab\\there.ts" "b/tab\\there.ts"',
  'new file mode 100644',
  'index 0000000..8888888',
  '--- /dev/null',
  '+++ "b/tab\\there.ts"',
  '@@ -0,0 +1 @@',
  '+x',
].join('\n');

test('parseUnifiedDiff reads renames, binary, deleted, added and quoted files, and counts hunk bodies by their headers', () => {
  const files = parseUnifiedDiff(Buffer.from(DIFF, 'utf8'));
  assert.deepEqual(
    files.map(({ oldPath, newPath, status, binary, hunks }) => ({ oldPath, newPath, status, binary, hunks: hunks.map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines, h.lines.length]) })),
    [
      { oldPath: 'old name.ts', newPath: 'new name.ts', status: 'renamed', binary: false, hunks: [[2, 1, 2, 1, 2]] },
      { oldPath: 'logo.png', newPath: 'logo.png', status: 'modified', binary: true, hunks: [] },
      { oldPath: 'gone.ts', newPath: null, status: 'deleted', binary: false, hunks: [[1, 1, 0, 0, 1]] },
      // Lines that look like headers inside a hunk are content: the hunk counted them.
      { oldPath: 'données/été.md', newPath: 'données/été.md', status: 'modified', binary: false, hunks: [[4, 0, 5, 2, 2], [9, 1, 10, 0, 2]] },
      { oldPath: null, newPath: 'tab\there.ts', status: 'added', binary: false, hunks: [[0, 0, 1, 1, 1]] },
    ],
  );
});

test('parseUnifiedDiff flags a file whose lines are not UTF-8 and keeps the others intact', () => {
  const bytes = Buffer.concat([
    Buffer.from('diff --git a/latin1.c b/latin1.c\n--- a/latin1.c\n+++ b/latin1.c\n@@ -1 +1 @@\n-caf'),
    Buffer.from([0xe9]),
    Buffer.from('\n+cafe\ndiff --git a/ok.c b/ok.c\n--- a/ok.c\n+++ b/ok.c\n@@ -1 +1 @@\n-a\n+b'),
  ]);
  const [latin1, ok] = parseUnifiedDiff(bytes);
  assert.equal(latin1?.lossy, true);
  assert.deepEqual(latin1?.hunks[0]?.lines, ['-caf\uFFFD', '+cafe']);
  assert.equal(ok?.lossy, false);
  assert.deepEqual(ok?.hunks[0]?.lines, ['-a', '+b']);
});
