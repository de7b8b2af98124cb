// What the e2e lane works on: a small git repository with a style guide, code that breaks it, and a review
// follow-up in its history (so a dataset build has something to mine); and a reviewer that answers the way a
// model would, reading the rules and the numbered code from the real prompt the extension sent.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { BOB, GitTestRepo } from '../support/gitRepo';
import type { ModelRequestBody, ScriptedAnswer } from '../support/ollamaTestServer';

const DEMO = path.resolve(import.meta.dirname, '..', 'fixtures', 'demo');

/** The file the lane reviews, and the lines of it that break the guide. */
export const REVIEWED_FILE = 'src/userService.ts';
export const VAR_LINE = 'var cache = {};';
export const VAR_FIX = 'const cache = {};';
export const EMPTY_CATCH = '} catch (e) {}';

export function createWorkspaceRepo(): GitTestRepo {
  const repo = GitTestRepo.create('acme-service');
  const demo = (file: string): string => readFileSync(path.join(DEMO, file), 'utf8');
  repo.write('docs/STYLE_GUIDE.md', demo('docs/STYLE_GUIDE.md')).write('src/db.ts', demo('src/db.ts'));
  repo.write('src/cart.ts', 'export function total(prices: number[]) {\n  var sum = 0;\n  for (const p of prices) sum += p;\n  return sum;\n}\n');
  repo.commit('Add the style guide and cart totals');
  repo.write('src/cart.ts', 'export function total(prices: number[]) {\n  let sum = 0;\n  for (const p of prices) sum += p;\n  return sum;\n}\n');
  repo.commit('Address review: sum is reassigned, so let, not var', { trailers: [['Reviewed-by', `${BOB.name} <${BOB.email}>`]] });
  repo.write(REVIEWED_FILE, demo(REVIEWED_FILE));
  repo.commit('Add the user service');
  return repo;
}

/** The rules this reviewer enforces: a line that breaks one, the guide's section it cites, and an optional fix. */
const RULES = [
  { rule: 'Never use var', section: 'Declarations', breaks: (line: string) => line.trim() === VAR_LINE, fix: (line: string) => line.replace(VAR_LINE, VAR_FIX) },
  { rule: 'Never swallow an error', section: 'Errors', breaks: (line: string) => line.trim() === EMPTY_CATCH, fix: undefined },
];

/** Answers a review request from its prompt: one finding per broken line, citing the passage ids it was given. */
export function reviewAnswer(body: ModelRequestBody): ScriptedAnswer {
  const user = body.messages?.find((message) => message.role === 'user')?.content ?? '';
  const labels = [...user.matchAll(/<rule-[0-9a-f]+ id="(R\d+)"[^>]*section="([^"]*)"/g)].map(([, id, section]) => ({ id: id!, section: section! }));
  const code = [...user.matchAll(/^\s*(\d+)\| (.*)$/gm)].map(([, line, text]) => ({ line: Number(line), text: text! }));
  const findings = RULES.flatMap(({ rule, section, breaks, fix }) => {
    const cited = labels.filter((label) => label.section.endsWith(section)).map((label) => label.id);
    if (cited.length === 0) return [];
    return code
      .filter(({ text }) => breaks(text))
      .map(({ line, text }) => ({ rule, severity: 'error', startLine: line, endLine: line, message: `${rule}: see the style guide.`, ...(fix && { replacement: fix(text) }), citations: cited }));
  });
  return { content: JSON.stringify({ findings }), promptTokens: 800, completionTokens: 40 };
}

/** The model HTML a hostile or confused answer may hold: the chat must show it as text, never run or load it. */
export const HOSTILE_HTML = '<img src=x onerror="document.title=\'pwned\'"><script>document.title=\'pwned\'</script>';

/** True for the chat's requests (the question-answering system message), as opposed to reviews. */
export function isQuestion(body: ModelRequestBody): boolean {
  return /answers questions about a team's own coding conventions/.test(body.messages?.find((m) => m.role === 'system')?.content ?? '');
}

/** Answers a chat question from its prompt, citing the Errors passage it was given, streamed word by word. */
export function chatAnswer(body: ModelRequestBody): ScriptedAnswer {
  const user = body.messages?.filter((m) => m.role === 'user').at(-1)?.content ?? '';
  const errors = [...user.matchAll(/<rule-[0-9a-f]+ id="(R\d+)"[^>]*section="([^"]*)"/g)].find(([, , section]) => section!.endsWith('Errors'))?.[1];
  const content = `Never leave a catch block empty${errors ? ` [${errors}]` : ''}: log or rethrow. ${HOSTILE_HTML}\n\n\`\`\`ts\ntry {\n  run();\n} catch (error) {\n  log(error);\n}\n\`\`\`\n`;
  return { content, promptTokens: 600, completionTokens: 60, chunkDelayMs: 60 };
}
