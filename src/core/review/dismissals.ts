import { sha256 } from '../hash';
import type { Finding } from './finding';

/**
 * What a dismissal is about: the file, the rule, and the code's text (whitespace-insensitive). A dismissed
 * finding stays away on later reviews while all three are the same, and comes back once the code changes.
 */
export function dismissalKey(finding: Pick<Finding, 'path' | 'rule'>, code: string): string {
  return sha256(finding.path, finding.rule.trim().toLowerCase(), code.replace(/\s+/g, ' ').trim()).slice(0, 32);
}

/** The dismissals of one workspace, kept where the front end persists them (the editor's workspace state). */
export class Dismissals {
  private readonly keys: Set<string>;

  constructor(
    keys: Iterable<string> = [],
    private readonly persist: (keys: string[]) => void | PromiseLike<void> = () => undefined,
    /** Old dismissals go first once there are more than this. */
    private readonly limit = 2000,
  ) {
    this.keys = new Set(keys);
  }

  has(finding: Pick<Finding, 'path' | 'rule'>, code: string): boolean {
    return this.keys.has(dismissalKey(finding, code));
  }

  async add(finding: Pick<Finding, 'path' | 'rule'>, code: string): Promise<void> {
    const key = dismissalKey(finding, code);
    this.keys.delete(key);
    this.keys.add(key);
    while (this.keys.size > this.limit) this.keys.delete(this.keys.values().next().value!);
    await this.persist([...this.keys]);
  }
}
