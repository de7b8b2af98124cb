import assert from 'node:assert/strict';
import { test } from 'node:test';
import { languageOf } from '../../src/core/language';

test('one language name per file, for prompts, retrieval and dataset metadata alike', () => {
  const cases: [string, string][] = [
    ['src/app.ts', 'TypeScript'],
    ['src/App.TSX', 'TypeScript (TSX)'],
    ['lib/util.cpp', 'C++'],
    ['infra/main.tf', 'HCL'],
    ['Dockerfile', 'Dockerfile'],
    ['build/Containerfile', 'Dockerfile'],
    ['CMakeLists.txt', 'CMake'],
    ['GNUmakefile', 'Makefile'],
    ['notes/README', 'plain text'],
  ];
  assert.deepEqual(cases.map(([file]) => [file, languageOf(file)]), cases);
});
