import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/core/config';
import { discoverSources } from '../../src/core/knowledge/sources';

describe('discoverSources', () => {
  let workspace: string;
  before(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'hs-sources-'));
    const files: Record<string, string> = {
      'docs/STYLE_GUIDE.md': '# a',
      'docs/architecture/overview.md': '# b',
      'docs/notes.txt': 'prose in plain text',
      'docs/requirements.txt': 'sphinx==8.2.3',
      'docs/CMakeLists.txt': 'add_custom_target(docs)',
      'docs/drafts/secret-plan.md': '# ignored by docs/.gitignore',
      'docs/.gitignore': 'drafts/\n',
      'CONTRIBUTING.md': '# c',
      '.editorconfig': 'root = true',
      '.github/copilot-instructions.md': 'x',
      'src/api.instructions.md': 'x',
      '.housestyle/rules/naming.md': 'x',
      '.housestyle/index/kb_style.lance/data.md': 'never the index itself',
      'node_modules/pkg/docs/README.md': 'never',
      'generated/docs/STYLE.md': 'ignored by the root .gitignore',
      '.gitignore': 'generated/\n',
      'src/app.ts': 'code',
      'README.md': 'not a style source by default',
      'Documentation/CodingGuidelines': 'an extensionless guide',
      'docs/ruby/README.adoc': '= Ruby Style Guide',
      'src/STYLE': 'x',
      'src/CodingGuidelines.py': 'code, not a guide',
      // Where real projects keep their conventions (the Linux kernel, OpenStack, LLVM, and common root names).
      'Documentation/process/coding-style.rst': 'x',
      'HACKING.rst': 'x',
      'CODING_GUIDELINES.md': 'x',
      'CONVENTIONS.md': 'x',
      'llvm/docs/CodingStandards.rst': 'x',
      'CodingStyle': 'x',
      // Conventions written for coding agents.
      'AGENTS.md': 'x',
      'packages/api/AGENTS.md': 'x',
      'CLAUDE.md': 'x',
      '.cursorrules': 'x',
      '.cursor/rules/naming.mdc': 'x',
      '.kiro/steering/tech.md': 'x',
      '.rules': 'x',
      // Not conventions by their names.
      'DEVELOPMENT.md': 'how to build',
      'notes/standup.md': 'x',
      'src/styles/app.css': 'x',
      'tests/pages/computed-style.html': 'a CSS test page',
      // Other projects' conventions, vendored.
      'vendor/github.com/acme/log/CONTRIBUTING.md': 'x',
      'third_party/zlib/STYLE.md': 'x',
    };
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(workspace, file)), { recursive: true });
      await writeFile(path.join(workspace, file), text);
    }
  });
  after(() => rm(workspace, { recursive: true, force: true }));

  it('finds the default style sources, honoring nested .gitignore files and never the index', async () => {
    const config = parseConfig({});
    assert.deepEqual((await discoverSources(workspace, config.knowledgeBases.style!)).files, [
      '.cursor/rules/naming.mdc',
      '.cursorrules',
      '.editorconfig',
      '.github/copilot-instructions.md',
      '.housestyle/rules/naming.md',
      '.kiro/steering/tech.md',
      '.rules',
      'AGENTS.md',
      'CLAUDE.md',
      'CODING_GUIDELINES.md',
      'CONTRIBUTING.md',
      'CONVENTIONS.md',
      'CodingStyle',
      'Documentation/CodingGuidelines',
      'Documentation/process/coding-style.rst',
      'HACKING.rst',
      'docs/STYLE_GUIDE.md',
      'docs/architecture/overview.md',
      'docs/notes.txt',
      'docs/ruby/README.adoc',
      'llvm/docs/CodingStandards.rst',
      'packages/api/AGENTS.md',
      'src/STYLE',
      'src/api.instructions.md',
    ]);
  });

  it('applies a knowledge base\'s own include and exclude globs', async () => {
    assert.deepEqual((await discoverSources(workspace, { include: ['docs/**/*.md', 'README.md'], exclude: ['docs/architecture/**'] })).files, ['README.md', 'docs/STYLE_GUIDE.md']);
  });
});
