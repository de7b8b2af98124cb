import picomatch from 'picomatch';
import type { ReviewEvent } from './reviewEvent';

export type BookkeepingReason = 'release-bookkeeping' | 'people-list' | 'version-only-change' | 'non-code-file';

/** Files a release process writes: change logs, release notes, version files. */
const isReleaseFile = picomatch(
  [
    '**/{changelog,changes,history,news,release-notes,release_notes,releasenotes}{,.md,.markdown,.txt,.rst,.adoc}',
    '**/version{,.txt,.json}',
    '**/{,*_,*-,_,__}version{,__}.{py,rb,go,h,js,ts}',
  ],
  { dot: true, nocase: true },
);

/** Lists of people: names and e-mail addresses, never code. */
const isPeopleList = picomatch(['**/{authors,contributors,maintainers,credits,thanks}{,.md,.markdown,.txt,.rst,.adoc}', '**/.mailmap', '**/codeowners'], { dot: true, nocase: true });

/** Prose: documentation and legal text, whose review is not code review (configuration files are code). */
const isProseName = picomatch(['**/*.{md,markdown,mdx,txt,rst,adoc,asciidoc,org,tex}', '**/{readme,license,licence,copying,notice,install,todo}'], { dot: true, nocase: true });

/**
 * Build and tooling files, some with a prose extension (CMakeLists.txt, requirements.txt): code, whose review
 * ("line up the arguments") is house style to learn.
 */
const isBuildFile = picomatch(
  [
    '**/{cmakelists.txt,*.cmake,makefile,gnumakefile,*.mk,*.mak,makefile.*,meson.build,meson_options.txt,meson.options}',
    '**/{dockerfile,dockerfile.*,*.dockerfile,containerfile,*.gradle,*.gradle.kts,build,build.bazel,workspace,*.bzl}',
    '**/{configure.ac,*.am,*.m4,requirements*.txt,constraints*.txt,jenkinsfile,vagrantfile,justfile,*.nix}',
  ],
  { dot: true, nocase: true },
);

function isProse(file: string): boolean {
  return isProseName(file) && !isBuildFile(file);
}

/** A version or any number, so that lines differing only in them compare equal. */
const VERSION = /\bv?\d+(?:\.\d+)+(?:[-+][0-9A-Za-z.-]+)?\b/g;
const NUMBER = /\d+/g;
/** VERSION without the global flag, for a stateless test. */
const HAS_VERSION = new RegExp(VERSION.source);
/** A dotted number (VERSION) or else a run of digits, in one pass: the numeric tokens a line's change is made of. */
const NUMERIC_TOKEN = new RegExp(`${VERSION.source}|\\d+`, 'g');

export function withoutVersions(text: string): string {
  return text.replace(VERSION, '<v>').replace(NUMBER, '<n>');
}

/**
 * A word that names a version where a number stands (`JQ_VERSION`, `"version":`, `AssemblyVersion`, `GIT_TAG`,
 * `release =`, a Windows resource's `FILEVERSION`), but not one that merely contains the letters (`conversion`, `server`).
 */
const VERSION_WORD = /(?<![A-Za-z])(?:version|Version|VERSION|ver|VER|release|RELEASE|tag|TAG|rev|FILEVERSION|PRODUCTVERSION)(?![a-z])|[a-z](?:Version|Release|Tag)(?![a-z])/;
/** What sits right before a version in a dependency pin or an image or action reference: `pkg@1.2`, `==1.2`, `^1.2`, `~>1.2`, `>=1.2`. */
const PIN_BEFORE = /(?:@|==|~=|>=|<=|\^|~>?|!=)\s*["']?$/;
/** Four numbers of at most three digits: an IPv4 address unless the line says it is a version (`FILEVERSION 1.0.0.1`). */
const ADDRESS_SHAPE = /^(?:\d{1,3}\.){3}\d{1,3}$/;

/**
 * Whether a numeric token changed from `before` to `after` is a version: a dotted number of three or more
 * parts, a `v` or a pre-release suffix (`1.6.0-rc1`) is one by itself, unless it is shaped like an address; a
 * number of two parts (`3.1`, a float constant as much as a version) or a plain one only in a version context.
 * `lead` is the text between the previous number on the line and this one, so that a version elsewhere on the
 * line (`redis_version == "7.2.0" and shards[0]`) lends the index no context.
 */
function isVersionToken(before: string, after: string, lead: string): { version: boolean; dotted: boolean } {
  const dotted = before.includes('.') && after.includes('.');
  const inContext = VERSION_WORD.test(lead) || PIN_BEFORE.test(lead);
  const selfEvident = (token: string) => /^v\d/.test(token) || /[-+]/.test(token) || (token.split('.').length >= 3 && !ADDRESS_SHAPE.test(token));
  return { version: inContext || (dotted && selfEvident(before) && selfEvident(after)), dotted };
}

/**
 * A hunk whose changed lines differ from what they replace only in versions, with a dotted version among
 * them: a version bump. The tokens that changed must be versions themselves; an index, a port, an address or a
 * constant that changed on a line that happens to hold a version (`127.0.0.1`, `nodes[0]` → `nodes[1]`) is code.
 */
export function isVersionOnlyChange(diffHunk: string): boolean {
  const changed = diffHunk.split('\n').filter((line) => line[0] === '-' || line[0] === '+');
  const removedCount = changed.filter((line) => line[0] === '-').length;
  // Counted first: most hunks fail here, before any line is rewritten (regenerated files have thousands of lines).
  if (removedCount === 0 || removedCount * 2 !== changed.length) return false;
  if (!changed.some((line) => HAS_VERSION.test(line))) return false;
  // Each removed line is paired with the added line of the same shape (numbers masked); every shape must pair.
  const byShape = (lines: string[]) => lines.map((line) => ({ line, shape: withoutVersions(line).trim() })).sort((a, b) => (a.shape < b.shape ? -1 : a.shape > b.shape ? 1 : 0));
  const removed = byShape(changed.filter((line) => line[0] === '-').map((line) => line.slice(1)));
  const added = byShape(changed.filter((line) => line[0] === '+').map((line) => line.slice(1)));
  let versionChanged = false;
  for (const [i, { line, shape }] of removed.entries()) {
    const partner = added[i]!;
    if (shape !== partner.shape) return false;
    const before = [...line.matchAll(NUMERIC_TOKEN)];
    const after = [...partner.line.matchAll(NUMERIC_TOKEN)];
    if (before.length !== after.length) return false; // same shape, yet a line may hold the literal text `<n>`
    for (const [j, token] of before.entries()) {
      if (token[0] === after[j]![0]) continue;
      const leadStart = j === 0 ? 0 : before[j - 1]!.index + before[j - 1]![0].length;
      const { version, dotted } = isVersionToken(token[0], after[j]![0], line.slice(leadStart, token.index));
      if (!version) return false;
      versionChanged ||= dotted;
    }
  }
  return versionChanged;
}

export interface BookkeepingOptions {
  includeBookkeeping: boolean;
  includeNonCode: boolean;
}

/**
 * Why an event is release bookkeeping or not code, so not evidence for the code tasks; undefined when it is
 * code. People lists are left out whatever the settings: their names and e-mail addresses are the content.
 */
export function bookkeepingReason(event: ReviewEvent, options: BookkeepingOptions): BookkeepingReason | undefined {
  if (isPeopleList(event.path)) return 'people-list';
  if (!options.includeBookkeeping) {
    if (isReleaseFile(event.path)) return 'release-bookkeeping';
    if (isVersionOnlyChange(event.diffHunk)) return 'version-only-change';
  }
  if (!options.includeNonCode && isProse(event.path)) return 'non-code-file';
  return undefined;
}
