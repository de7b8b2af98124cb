import picomatch from 'picomatch';
import { bookkeepingReason, type BookkeepingOptions, type BookkeepingReason } from './bookkeeping';
import { compileSettingPatterns } from '../settingPatterns';
import { isRemarkWithoutRequest } from './remarkWithoutRequest';
import { GIT_ONLY_KINDS, type ReviewEvent } from './reviewEvent';

export type DropReason =
  | 'bot-author'
  | 'author-annotation'
  | 'empty-comment'
  | 'trivial-comment'
  | 'no-request'
  | 'lock-file'
  | 'generated-file'
  | 'vendored-file'
  | 'minified'
  | 'binary'
  | 'oversized-hunk'
  | 'reverted-change'
  | 'revert-commit'
  | BookkeepingReason;

export interface CleanOptions extends BookkeepingOptions {
  /** Case-insensitive regular expressions on author and reviewer names (config.dataset.botAuthors). */
  botAuthors: string[];
  /** Hunks longer than this are dropped (config.dataset.maxHunkLines). */
  maxHunkLines: number;
}

export type CleanResult = { event: ReviewEvent } | { drop: DropReason };

const LOCK_FILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'bun.lock',
  'cargo.lock',
  'go.sum',
  'poetry.lock',
  'pipfile.lock',
  'uv.lock',
  'pdm.lock',
  'composer.lock',
  'gemfile.lock',
  'podfile.lock',
  'packages.lock.json',
  'flake.lock',
  'mix.lock',
  'pubspec.lock',
  'gradle.lockfile',
  'package.resolved',
]);

const isGeneratedPath = picomatch(
  [
    '**/*.min.{js,css,mjs}',
    '**/*.{map,snap}',
    '**/*.{pb,pb.gw}.go',
    '**/*_pb2{,_grpc}.py',
    '**/*.g.dart',
    '**/*.{generated,gen,designer}.*',
    '**/{__generated__,generated,dist,build,out}/**',
    // BFG Repo-Cleaner leaves `<name>.REMOVED.git-id` (the removed blob's id) where it stripped a large file.
    '**/*.REMOVED.git-id',
  ],
  { dot: true, nocase: true },
);
const isVendoredPath = picomatch(['**/{vendor,third_party,third-party,node_modules,bower_components}/**'], { dot: true });

/** Markers that tools write at the top of files nobody should review by hand. */
const GENERATED_MARKER = /@generated\b|\bcode generated .* do not edit\b|\bauto-?generated\b.*\bdo not (edit|modify)\b/i;

/** Comments that carry no review content: approvals, thanks, acknowledgements, a bare "nit". */
const TRIVIAL_COMMENTS = new Set([
  'lgtm',
  'looks good',
  'looks good to me',
  'ship it',
  'shipit',
  '+1',
  '-1',
  'nit',
  'nits',
  'thanks',
  'thank you',
  'ty',
  'done',
  'fixed',
  'ok',
  'okay',
  'ack',
  'agreed',
  'same',
  'same here',
  'ditto',
  'nice',
  'great',
  'approved',
]);

/** Pictographs with their modifiers (skin tones, variation selector, joiner, flags), and :shortcodes:. */
const EMOJI = /[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\u{1F1E6}-\u{1F1FF}\uFE0F\u200D]|:[a-z0-9_+-]+:/gu;

/** The text of a comment with line endings unified, trailing spaces gone and runs of blank lines collapsed. */
export function normalizeComment(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Code keeps its spaces (indentation and trailing whitespace can be what a review is about); only line endings are unified. */
function normalizeCode(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
}

/** An approval or acknowledgement, with or without emoji and punctuation, or emoji alone. */
export function isTrivialComment(text: string): boolean {
  const words = text
    .toLowerCase()
    .replace(EMOJI, ' ')
    .replace(/[.!?,:;)(]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return words === '' || TRIVIAL_COMMENTS.has(words);
}

/**
 * A thread the pull request's author opened on their own diff: an explanation ("I copied this from …"), not
 * review. Logins compare as the forges treat them, without case. Replies inside a reviewer's thread are the
 * thread's context, never compared.
 */
function isAuthorAnnotation(event: ReviewEvent): boolean {
  return event.kind === 'pr-comment' && event.author !== undefined && event.reviewer !== undefined && event.author.toLowerCase() === event.reviewer.toLowerCase();
}

function isLockFile(filePath: string): boolean {
  return LOCK_FILES.has((filePath.split('/').pop() ?? filePath).toLowerCase());
}

/** Lines of a diff hunk that are content (added, removed or context), not headers. */
function hunkBodyLines(diffHunk: string): string[] {
  return diffHunk.split('\n').filter((line) => !line.startsWith('@@') && !line.startsWith('\\ No newline'));
}

function isBinary(event: ReviewEvent): boolean {
  return /^Binary files .* differ$|^GIT binary patch$/m.test(event.diffHunk) || [event.diffHunk, event.before, event.after].some((t) => t?.includes('\u0000'));
}

/** Minified code: any very long line, which no reviewer comments on line by line. */
function isMinified(event: ReviewEvent): boolean {
  return [event.diffHunk, event.before, event.after].some((text) => text !== undefined && text.split('\n').some((line) => line.length > 1000));
}

/**
 * Returns a function that keeps an event (normalized) or names why it is dropped. Each reason is
 * reported, so the card shows what the dataset left out and why.
 */
export function createCleaner(options: CleanOptions): (event: ReviewEvent) => CleanResult {
  const bots = compileSettingPatterns(options.botAuthors, 'dataset.botAuthors');
  const isBot = (name: string | undefined) => name !== undefined && bots.some((bot) => bot.test(name));

  return (event) => {
    if (event.metadata.revert === 'is-revert') return { drop: 'revert-commit' };
    // A reverted change's review and outcome were undone; its labels no longer say what the team wanted.
    if (event.metadata.revert === 'reverted') return { drop: 'reverted-change' };
    if (isBot(event.author) || isBot(event.reviewer)) return { drop: 'bot-author' };
    if (isAuthorAnnotation(event)) return { drop: 'author-annotation' };
    if (isLockFile(event.path)) return { drop: 'lock-file' };
    if (isVendoredPath(event.path)) return { drop: 'vendored-file' };
    if (isBinary(event)) return { drop: 'binary' };
    if (isGeneratedPath(event.path) || GENERATED_MARKER.test(event.diffHunk)) return { drop: 'generated-file' };
    if (isMinified(event)) return { drop: 'minified' };
    const bookkeeping = bookkeepingReason(event, options);
    if (bookkeeping) return { drop: bookkeeping };
    if (hunkBodyLines(event.diffHunk).length > options.maxHunkLines) return { drop: 'oversized-hunk' };

    const comment = event.comment === undefined ? undefined : normalizeComment(event.comment);
    if (event.neededReview && !comment && !GIT_ONLY_KINDS.has(event.kind)) return { drop: 'empty-comment' };
    if (comment && isTrivialComment(comment)) return { drop: 'trivial-comment' };
    // A thread's root comment is judged; its replies are the thread's context.
    if (comment && event.kind === 'pr-comment' && isRemarkWithoutRequest(comment)) return { drop: 'no-request' };

    return {
      event: {
        ...event,
        diffHunk: normalizeCode(event.diffHunk),
        ...(event.before !== undefined && { before: normalizeCode(event.before) }),
        ...(event.after !== undefined && { after: normalizeCode(event.after) }),
        ...(comment !== undefined && { comment }),
      },
    };
  };
}
