import type { ReviewEvent, SkipRecord } from './reviewEvent';
import { personalDataDetectors, secretDetectors, type Detector, type ScrubKind } from './secretPatterns';
import { Tally } from './tally';

export interface ScrubOptions {
  /** Replace author, reviewer, person trailers and @mentions with stable pseudonyms (author-1, author-2, …). */
  anonymizeAuthors: boolean;
}

/** Trailers whose values name people (and so are anonymized with authors). */
const PERSON_TRAILERS = /^(reviewed|acked|signed-off|co-authored|tested|reported|suggested|helped|approved)-by$|^cc$/i;

/** @-words that are code annotations or doc tags more often than people. */
const NOT_PEOPLE = new Set(['param', 'returns', 'return', 'throws', 'type', 'see', 'example', 'deprecated', 'override', 'todo', 'internal', 'public', 'private']);

/** Texts up to this length are remembered once scrubbed: a history repeats commit ids, pull-request URLs and skip reasons hundreds of times. */
const REMEMBERED_LENGTH = 256;

const MENTION = /(^|[^\w@`/.])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\b/g;
const CODE_SPAN = /(`+)[\s\S]*?\1/g;

/**
 * Replaces secrets and personal data with typed placeholders (`<SECRET:github-token>`, `<EMAIL>`, `<PHONE>`,
 * `<IP>`, `author-3`) and counts every replacement by kind (secretPatterns.ts lists the kinds and their
 * classes). One instance per dataset build, so pseudonyms stay stable across all the events of that build.
 */
export class Scrubber {
  readonly counts = new Tally<ScrubKind>();
  private readonly detectors: Detector[] = [...secretDetectors(), ...personalDataDetectors()];
  private readonly pseudonyms = new Map<string, string>();
  /** Short texts already scrubbed: the result, and the kinds it replaced (counted again on each use). */
  private readonly scrubbed = new Map<string, { text: string; found: ScrubKind[] }>();

  constructor(private readonly options: ScrubOptions) {}

  /** Secrets and personal data (emails, phone numbers, IP addresses) in free text: code, diffs, messages, comments, paths. */
  text(value: string): string {
    const known = this.scrubbed.get(value);
    if (known) {
      for (const kind of known.found) this.counts.add(kind);
      return known.text;
    }
    const found: ScrubKind[] = [];
    let text = value;
    for (const detector of this.detectors) text = detector.apply(text, () => found.push(detector.kind));
    for (const kind of found) this.counts.add(kind);
    if (value.length <= REMEMBERED_LENGTH) this.scrubbed.set(value, { text, found });
    return text;
  }

  /** A person (author, reviewer, trailer value): a pseudonym when anonymizing, else the name scrubbed as text. */
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
