import type { GitCommit } from '../../git/gitLogStream';
import { compileSettingPatterns } from '../../settingPatterns';

/** Whether a commit's author (name or email) matches one of the bot patterns (dataset.botAuthors). */
export function botAuthorMatcher(patterns: string[]): (commit: GitCommit) => boolean {
  const regexes = compileSettingPatterns(patterns, 'dataset.botAuthors');
  return (commit) => regexes.some((regex) => regex.test(commit.authorName) || regex.test(commit.authorEmail));
}
