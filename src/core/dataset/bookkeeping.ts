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

export function withoutVersions(text: string): string {
  return text.replace(VERSION, '<v>').replace(NUMBER, '<n>');
}

/**
 * A hunk whose changed lines differ from what they replace only in versions and numbers, with a dotted
 * version among them (a version bump; a changed constant such as a timeout is code).
 */
export function isVersionOnlyChange(diffHunk: string): boolean {
  const changed = diffHunk.split('\n').filter((line) => line[0] === '-' || line[0] === '+');
  const removedCount = changed.filter((line) => line[0] === '-').length;
  // Counted first: most hunks fail here, before any line is rewritten (regenerated files have thousands of lines).
  if (removedCount === 0 || removedCount * 2 !== changed.length) return false;
  if (!changed.some((line) => HAS_VERSION.test(line))) return false;
  const removed: string[] = [];
  const added: string[] = [];
  for (const line of changed) (line[0] === '-' ? removed : added).push(withoutVersions(line.slice(1)).trim());
  return removed.sort().join('\n') === added.sort().join('\n');
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
