import type { ReviewEvent, SkipRecord } from './reviewEvent';
import { Tally } from './tally';

export type SecretKind = 'private-key' | 'jwt' | 'github-token' | 'slack-webhook' | 'slack-token' | 'aws-access-key' | 'aws-secret-key' | 'generic-secret';
export type ScrubKind = SecretKind | 'email' | 'author';

export interface ScrubOptions {
  /** Replace author, reviewer, person trailers and @mentions with stable pseudonyms (author-1, author-2, …). */
  anonymizeAuthors: boolean;
  /** Bits per character above which a value assigned to a password/secret/token/api_key name counts as a secret. */
  entropyThreshold?: number;
}

const DEFAULT_ENTROPY_THRESHOLD = 3.5;

const PLACEHOLDER = /<SECRET:[a-z-]+>|<EMAIL>/;

function secretPlaceholder(kind: SecretKind): string {
  return `<SECRET:${kind}>`;
}

/** Shannon entropy of the characters of `text`, in bits per character. */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const length = [...text].length;
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const SECRET_NAME = String.raw`[\w.-]*?(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|credentials?)[\w.-]*`;
const ASSIGN = String.raw`["']?\s*(?:=>|:=|=|:)\s*`;
const DOTTED_NAME = /^[A-Za-z_$][\w$]*(?:\.[\w$]+)+$/;

interface Detector {
  kind: SecretKind;
  pattern: RegExp;
  /** Rewrites one match; returning the match unchanged means "not a secret after all" (uncounted). */
  replace: (match: string, ...groups: string[]) => string;
}

/**
 * Ordered: whole blocks (private keys) and structured tokens first, so that the generic
 * assignment detector never sees — and never double-counts — a value an earlier detector replaced.
 */
function detectors(entropyThreshold: number): Detector[] {
  const whole = (kind: SecretKind) => () => secretPlaceholder(kind);
  const highEntropy = (value: string) => !PLACEHOLDER.test(value) && shannonEntropy(value) >= entropyThreshold;
  return [
    {
      kind: 'private-key',
      // A block cut off before its END line (a truncated hunk) is scrubbed to the end of the text.
      pattern: /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|[\s\S]*$)/g,
      replace: whole('private-key'),
    },
    { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g, replace: whole('jwt') },
    { kind: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g, replace: whole('github-token') },
    { kind: 'slack-webhook', pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]+/g, replace: whole('slack-webhook') },
    { kind: 'slack-token', pattern: /\bxox[abpors]-[A-Za-z0-9-]{10,}/g, replace: whole('slack-token') },
    {
      kind: 'aws-access-key',
      pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA|A3T[A-Z0-9])[A-Z0-9]{16}\b/g,
      replace: whole('aws-access-key'),
    },
    {
      kind: 'aws-secret-key',
      // 40 base64 characters assigned to a name that says AWS and secret; bare 40-character strings are
      // too often hashes to call secrets.
      pattern: new RegExp(String.raw`(\baws[\w.-]{0,30}?(?:secret|private)[\w.-]{0,30}?${ASSIGN}["'\`]?)([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`, 'gi'),
      replace: (_match, prefix = '', _value) => `${prefix}${secretPlaceholder('aws-secret-key')}`,
    },
    {
      kind: 'generic-secret',
      pattern: new RegExp(String.raw`(\b${SECRET_NAME}${ASSIGN})(["'\`])([^"'\`\r\n]{8,}?)\2`, 'gi'),
      replace: (match, prefix = '', quote = '', value = '') => (highEntropy(value) ? `${prefix}${quote}${secretPlaceholder('generic-secret')}${quote}` : match),
    },
    {
      kind: 'generic-secret',
      // Unquoted values (env files, YAML) must mix letters and digits and not be a dotted name, which keeps
      // `token: getToken()` and `password = config.db.pass2` out.
      pattern: new RegExp(String.raw`(\b${SECRET_NAME}${ASSIGN})([^\s"'\`,;(){}[\]<>]{8,})`, 'gi'),
      replace: (match, prefix = '', value = '') =>
        /\d/.test(value) && /[A-Za-z]/.test(value) && !DOTTED_NAME.test(value) && highEntropy(value) ? `${prefix}${secretPlaceholder('generic-secret')}` : match,
    },
  ];
}

// Local parts include brackets, as in GitHub's `123+name[bot]@users.noreply.github.com`.
const EMAIL = String.raw`[A-Za-z0-9._%+\-[\]]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`;
const BRACKETED_EMAIL = new RegExp(String.raw`<${EMAIL}>`, 'g');
const BARE_EMAIL = new RegExp(String.raw`\b${EMAIL}\b`, 'g');

/** Trailers whose values name people (and so are anonymized with authors). */
const PERSON_TRAILERS = /^(reviewed|acked|signed-off|co-authored|tested|reported|suggested|helped|approved)-by$|^cc$/i;

/** @-words that are code annotations or doc tags more often than people. */
const NOT_PEOPLE = new Set(['param', 'returns', 'return', 'throws', 'type', 'see', 'example', 'deprecated', 'override', 'todo', 'internal', 'public', 'private']);

const MENTION = /(^|[^\w@`/.])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\b/g;
const CODE_SPAN = /(`+)[\s\S]*?\1/g;

/**
 * Replaces secrets and personal data with typed placeholders (`<SECRET:github-token>`, `<EMAIL>`,
 * `author-3`) and counts every replacement by kind. One instance per dataset build, so pseudonyms
 * stay stable across all the events of that build.
 */
export class Scrubber {
  readonly counts = new Tally<ScrubKind>();
  private readonly detectors: Detector[];
  private readonly pseudonyms = new Map<string, string>();

  constructor(private readonly options: ScrubOptions) {
    this.detectors = detectors(options.entropyThreshold ?? DEFAULT_ENTROPY_THRESHOLD);
  }

  /** Secrets and emails in free text (code, diffs, comments, paths). */
  text(value: string): string {
    let text = value;
    for (const detector of this.detectors) {
      text = text.replace(detector.pattern, (match: string, ...rest: unknown[]) => {
        // replace() passes the capture groups, then the offset and the whole string.
        const groups = rest.slice(0, -2).map((g) => (typeof g === 'string' ? g : ''));
        const replaced = detector.replace(match, ...groups);
        if (replaced !== match) this.counts.add(detector.kind);
        return replaced;
      });
    }
    return this.emails(text);
  }

  /** A person (author, reviewer, trailer value): a pseudonym when anonymizing, else the name with emails scrubbed. */
  person(identity: string): string {
    if (!this.options.anonymizeAuthors) return this.text(identity);
    this.counts.add('author');
    return this.pseudonym(identity);
  }

  /** Review comment prose: like `text`, plus @mentions outside code spans when anonymizing. */
  comment(value: string): string {
    const text = this.text(value);
    if (!this.options.anonymizeAuthors) return text;
    let out = '';
    let last = 0;
    for (const span of text.matchAll(CODE_SPAN)) {
      out += this.mentions(text.slice(last, span.index)) + span[0];
      last = span.index + span[0].length;
    }
    return out + this.mentions(text.slice(last));
  }

  event(event: ReviewEvent): ReviewEvent {
    const { author, reviewer, comment, metadata, ...rest } = event;
    const { trailers, replies, ...otherMetadata } = metadata;
    return {
      ...this.deep(rest),
      ...(author !== undefined && { author: this.person(author) }),
      ...(reviewer !== undefined && { reviewer: this.person(reviewer) }),
      ...(comment !== undefined && { comment: this.comment(comment) }),
      metadata: {
        ...this.deep(otherMetadata),
        ...(trailers && { trailers: this.trailers(trailers) }),
        ...(replies && {
          replies: replies.map(({ author: replyAuthor, body, ...reply }) => ({
            ...this.deep(reply),
            ...(replyAuthor !== undefined && { author: this.person(replyAuthor) }),
            body: this.comment(body),
          })),
        }),
      },
    };
  }

  skip(record: SkipRecord): SkipRecord {
    return { source: this.text(record.source), reason: this.text(record.reason) };
  }

  private trailers(trailers: Record<string, string[]>): Record<string, string[]> {
    return Object.fromEntries(
      Object.entries(trailers).map(([key, values]) => [key, values.map((v) => (PERSON_TRAILERS.test(key) ? this.person(v) : this.text(v)))]),
    );
  }

  private pseudonym(identity: string): string {
    const email = /<([^<>\s]+@[^<>\s]+)>/.exec(identity)?.[1];
    const key = (email ?? identity.replace(/^@/, '')).trim().toLowerCase();
    let name = this.pseudonyms.get(key);
    if (!name) {
      name = `author-${this.pseudonyms.size + 1}`;
      this.pseudonyms.set(key, name);
    }
    return name;
  }

  private mentions(prose: string): string {
    return prose.replace(MENTION, (match, before: string, login: string) => {
      if (NOT_PEOPLE.has(login.toLowerCase())) return match;
      this.counts.add('author');
      return `${before}@${this.pseudonym(login)}`;
    });
  }

  private emails(text: string): string {
    const count = () => {
      this.counts.add('email');
      return '<EMAIL>';
    };
    return text.replace(BRACKETED_EMAIL, count).replace(BARE_EMAIL, count);
  }

  /** Every string inside a value, scrubbed as text; shapes are kept as they are. */
  private deep<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.deep(item)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.deep(item)])) as T;
    }
    return value;
  }
}
