// The repository that test/fixtures/review-comments/*.json were exported from: built with a fixed clock
// and identities, so its commit ids are the ones the fixtures name.
import { BOB, GitTestRepo } from './gitRepo';

export interface ReviewCommentsRepo {
  repo: GitTestRepo;
  commits: {
    /** main before any pull request */
    initial: string;
    /** GitHub pull request #21: h1 was reviewed, h2 answered the review (and deleted src/legacy.ts). */
    h1: string;
    h2: string;
    merge21: string;
    /** GitLab merge request !7: g1 was reviewed, g2 answered. */
    g1: string;
    g2: string;
    merge7: string;
  };
}

const SERVER_H1 = [
  "import http from 'node:http';",
  '',
  'export function serve(port) {',
  '  const server = http.createServer(handle);',
  '  server.setTimeout(5000);',
  '  server.listen(port);',
  '  return server;',
  '}',
  '',
  'function handle(req, res) {',
  '  var started = Date.now();',
  "  res.end('ok');",
  '}',
];

const SERVER_H2 = [
  "import http from 'node:http';",
  'const TIMEOUT_MS = 5000;',
  '',
  'export function serve(port) {',
  '  const server = http.createServer(handle);',
  '  server.setTimeout(TIMEOUT_MS);',
  '  server.listen(port);',
  '  return server;',
  '}',
  '',
  'function handle(req, res) {',
  '  const started = Date.now();',
  "  res.end('ok');",
  '}',
];

export function buildReviewCommentsRepo(): ReviewCommentsRepo {
  const repo = GitTestRepo.create();
  repo.writeLines('src/server.ts', SERVER_H1.filter((line) => !/setTimeout|started/.test(line)));
  repo.writeLines('src/legacy.ts', ['export const legacy = true;']);
  const initial = repo.commit('Initial commit');

  repo.branch('feature/timeouts');
  repo.writeLines('src/server.ts', SERVER_H1);
  repo.writeLines('src/legacy.ts', ['export const legacy = true;', 'export const timeoutMs = 5000;']);
  const h1 = repo.commit('Add request timeouts');
  repo.writeLines('src/server.ts', SERVER_H2);
  repo.delete('src/legacy.ts');
  const h2 = repo.commit('Use const and a named timeout', { author: BOB });
  repo.checkout('main');
  const merge21 = repo.merge('feature/timeouts', 'Merge pull request #21 from team/timeouts');

  repo.branch('feature/limits');
  const limited = [...SERVER_H2];
  limited.splice(11, 0, "  if (Number(req.headers['content-length']) > 1e6) return res.end('too big');");
  repo.writeLines('src/server.ts', limited);
  const g1 = repo.commit('Add body size limit');
  const answered = [...SERVER_H2];
  answered.splice(11, 0, "  if (Number(req.headers['content-length']) > 1e6) {", '    res.statusCode = 413;', "    return res.end('too big');", '  }');
  repo.writeLines('src/server.ts', answered);
  const g2 = repo.commit('Return 413 for large bodies', { author: BOB });
  repo.checkout('main');
  const merge7 = repo.merge('feature/limits', "Merge branch 'feature/limits' into 'main'\n\nAdd body size limit\n\nSee merge request team/app!7");

  return { repo, commits: { initial, h1, h2, merge21, g1, g2, merge7 } };
}
