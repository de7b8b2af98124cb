import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextLink } from '../../src/core/forge/forgeClient';
import { forgeOfRemoteUrl, parseForgeTarget } from '../../src/core/forge/forgeRepository';
import { HouseStyleError } from '../../src/core/errors';

test('forge targets name the repository and the API roots of github.com, GitHub Enterprise Server and GitLab', () => {
  assert.deepEqual(parseForgeTarget('github:acme/widgets'), { forge: 'github', path: 'acme/widgets', apiUrl: 'https://api.github.com', graphqlUrl: 'https://api.github.com/graphql', tokenOrigins: ['https://api.github.com'] });
  assert.deepEqual(parseForgeTarget('github:git.corp.example/acme/widgets'), {
    forge: 'github',
    path: 'acme/widgets',
    apiUrl: 'https://git.corp.example/api/v3',
    graphqlUrl: 'https://git.corp.example/api/graphql',
    tokenOrigins: ['https://api.github.com', 'https://git.corp.example'],
  });
  assert.deepEqual(parseForgeTarget('gitlab:group/sub/project'), { forge: 'gitlab', path: 'group/sub/project', apiUrl: 'https://gitlab.com/api/v4', graphqlUrl: 'https://gitlab.com/api/graphql', tokenOrigins: ['https://gitlab.com'] });
  assert.equal(parseForgeTarget('github:acme/widgets', 'https://ghe.example/api/v3/').graphqlUrl, 'https://ghe.example/api/graphql');
  assert.throws(() => parseForgeTarget('github:acme/widgets', 'file:///etc'), (error: unknown) => error instanceof HouseStyleError && error.code === 'usage');
  for (const bad of ['acme/widgets', 'github:acme', 'github:acme/../x', 'bitbucket:a/b']) assert.throws(() => parseForgeTarget(bad), (error: unknown) => error instanceof HouseStyleError && error.code === 'usage', bad);
});

test('a git remote names its forge repository in https, scp-like and ssh forms; other hosts name none', () => {
  assert.equal(forgeOfRemoteUrl('https://github.com/Acme/Widgets.git')?.path, 'Acme/Widgets');
  assert.equal(forgeOfRemoteUrl('git@github.com:acme/widgets.git')?.apiUrl, 'https://api.github.com');
  // A host only the remote names is no place for the token (the remote is workspace content)...
  assert.deepEqual(forgeOfRemoteUrl('ssh://git@gitlab.example.org:2222/group/sub/project.git'), {
    forge: 'gitlab',
    path: 'group/sub/project',
    apiUrl: 'https://gitlab.example.org/api/v4',
    graphqlUrl: 'https://gitlab.example.org/api/graphql',
    tokenOrigins: ['https://gitlab.com'],
  });
  assert.deepEqual(forgeOfRemoteUrl('https://github.com/acme/widgets')?.tokenOrigins, ['https://api.github.com']);
  // ...unless the user gave its API URL.
  assert.deepEqual(forgeOfRemoteUrl('git@github.corp.example:acme/widgets.git', 'https://github.corp.example/api/v3')?.tokenOrigins, ['https://api.github.com', 'https://github.corp.example']);
  assert.equal(forgeOfRemoteUrl('https://token@github.com/acme/widgets')?.path, 'acme/widgets');
  assert.equal(forgeOfRemoteUrl('https://bitbucket.org/acme/widgets.git'), undefined);
});

test('the next page is the Link header\'s rel="next", wherever it stands among the others', () => {
  assert.equal(nextLink('<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"'), 'https://api.github.com/x?page=2');
  assert.equal(nextLink('<https://h/x?page=1>; rel="prev", <https://h/x?page=3>; rel="next"'), 'https://h/x?page=3');
  assert.equal(nextLink('<https://h/x?page=5>; rel="last"'), undefined);
  assert.equal(nextLink(null), undefined);
});
