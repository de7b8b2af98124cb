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

test('a .h file is C, C++ or Objective-C by its text, as GitHub Linguist decides (heuristics.yml)', () => {
  const cppClass = ['#pragma once', '', '#include <cstdint>', '#include "server/journal/types.h"', '', 'namespace dfly {', 'namespace journal {', '', 'class JournalSlice {', ' public:', '  JournalSlice();', '};', '', '}  // namespace journal', '}  // namespace dfly'].join('\n');
  const cppTemplate = ['#ifndef CONTAINER_UTILS_H', '#define CONTAINER_UTILS_H', '', 'template <typename T> void Swap(T* a, T* b) {', '  T tmp = *a;', '  *a = *b;', '  *b = tmp;', '}', '#endif'].join('\n');
  const cppStdOnly = ['#pragma once', '', 'using Keys = std::vector<std::string_view>;'].join('\n');
  const objectiveC = ['#import <Foundation/Foundation.h>', '', '@interface RCTBridge : NSObject', '@property (nonatomic, strong) NSURL *bundleURL;', '@end'].join('\n');
  const plainC = ['#ifndef UV_TREE_H_', '#define UV_TREE_H_', '', '#include <stddef.h>', '', '/* The class of the node: see below. */', 'struct uv__tree_node {', '  struct uv__tree_node* left;', '  int color;', '};', '', 'int uv__tree_insert(struct uv__tree_node** root, struct uv__tree_node* node);', '#endif'].join('\n');
  const cases: [string, string | undefined, string][] = [
    ['src/server/journal/journal_slice.h', cppClass, 'C++'],
    ['src/core/container_utils.h', cppTemplate, 'C++'],
    ['src/core/keys.h', cppStdOnly, 'C++'],
    ['React/Base/RCTBridge.h', objectiveC, 'Objective-C'],
    ['src/uv-tree.h', plainC, 'C'],
    ['src/uv-tree.h', '', 'C'],
    // Without the text, the extension alone: C.
    ['src/server/journal/journal_slice.h', undefined, 'C'],
    // The text decides `.h` only; a `.c` file stays C whatever it holds.
    ['src/tree.c', cppClass, 'C'],
  ];
  assert.deepEqual(cases.map(([file, text]) => languageOf(file, text)), cases.map(([, , language]) => language));
});
