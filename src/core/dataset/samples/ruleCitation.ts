/**
 * Finds the team rule a review comment cites, if any: a link or repository path to a style guide,
 * a linter rule id, a PEP, or an explicitly named rule. Returns the citation as written.
 */

const GUIDE_WORDS = /style|guide|convention|contributing|standard|best-practice|lint|rules?\b|pep-?\d/i;
const URL = /https?:\/\/[^\s<>()[\]"'`]+/g;
const GUIDE_PATH = /(?:^|[\s(["'`])((?:[\w.-]+\/)*[\w.-]*(?:style|guide|guidelines|conventions|contributing|standards|rules)[\w.-]*\.(?:md|markdown|mdx|rst|txt|adoc)(?:#[\w-]+)?)/i;
const PEP = /\bPEP[\s-]?(\d{1,4})\b/;
const LINTERS =
  'eslint|tslint|biome|stylelint|pylint|flake8|ruff|mypy|pyright|rubocop|clippy|checkstyle|pmd|spotbugs|golint|staticcheck|revive|golangci-lint|ktlint|detekt|swiftlint|shellcheck|hadolint|markdownlint|credo';
const LINTER_RULE = new RegExp(String.raw`\b(${LINTERS})\b[\s:(]*(?:rule\s+)?\`?([@\w][\w@/.:-]*[\w])\`?`, 'i');
const NAMED_RULE = /\brule\s*(?:[:#]\s*([\w@/.-]*[\w])|`([^`\s]+)`)/i;

export function citedRule(comment: string): string | undefined {
  for (const match of comment.matchAll(URL)) {
    const url = match[0].replace(/[.,;:!?]+$/, '');
    if (GUIDE_WORDS.test(url)) return url;
  }
  const guidePath = GUIDE_PATH.exec(comment)?.[1];
  if (guidePath) return guidePath;
  const pep = PEP.exec(comment)?.[1];
  if (pep) return `PEP ${pep}`;
  const linter = LINTER_RULE.exec(comment);
  // Rule ids have a separator or a digit (no-var, E501, @typescript-eslint/no-explicit-any, needless_return).
  if (linter?.[1] && linter[2] && /[-/_\d]/.test(linter[2])) return `${linter[1]} ${linter[2]}`;
  const named = NAMED_RULE.exec(comment);
  return named?.[1] ?? named?.[2];
}
