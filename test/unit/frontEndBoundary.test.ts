import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { test } from 'node:test';

// The front ends reach the core through one service: src/cli and src/vscode may import from src/core only the
// service module, its light helpers and the errors, plus types (`import type`, erased at build). And the model
// client is made in one place, so one configuration means one client.

const root = path.resolve(import.meta.dirname, '../..');
const CORE = path.join(root, 'src/core');
const ALLOWED = ['service/workspaceService', 'service/frontEndHelpers', 'errors'].map((module) => path.join(CORE, module));

async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(path.join(root, folder), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name));
}

/** Every import of `file`'s text that reaches into src/core past the service: static (unless type-only), re-export or dynamic. */
function coreImportsPastTheService(file: string, text: string): string[] {
  const found: string[] = [];
  const statements = /^\s*(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/gms;
  for (const match of text.matchAll(statements)) {
    const typeOnly = match[2] !== undefined;
    const specifier = match[3] ?? match[4]!;
    if (typeOnly || !specifier.startsWith('.')) continue;
    const target = path.resolve(path.dirname(file), specifier);
    if (target.startsWith(`${CORE}${path.sep}`) && !ALLOWED.includes(target)) found.push(`${path.relative(root, file)} imports ${specifier}`);
  }
  return found;
}

test('src/cli and src/vscode import from core only the service, its helpers, the errors and types', async () => {
  const files = [...(await sourceFiles('src/cli')), ...(await sourceFiles('src/vscode'))];
  assert.ok(files.length > 30, 'both front ends were read');
  const violations: string[] = [];
  for (const file of files) violations.push(...coreImportsPastTheService(file, await readFile(file, 'utf8')));
  assert.deepEqual(violations, []);
});

test('the check sees a direct core import in each form a front end could write', () => {
  const file = path.join(root, 'src/vscode/example.ts');
  const text = [
    "import { indexKnowledgeBase } from '../core/knowledge/indexer';",
    "import {\n  reviewFile,\n  type ReviewResult,\n} from '../core/review/reviewer';",
    "export { toSarif } from '../core/review/sarif';",
    "const { readRegistry } = await import('../core/models/registry');",
    "import type { Config } from '../core/config';",
    "import { HouseStyleError } from '../core/errors';",
    "import type { WorkspaceService } from '../core/service/workspaceService';",
    "import * as vscode from 'vscode';",
  ].join('\n');
  assert.deepEqual(coreImportsPastTheService(file, text), [
    'src/vscode/example.ts imports ../core/knowledge/indexer',
    'src/vscode/example.ts imports ../core/review/reviewer',
    'src/vscode/example.ts imports ../core/review/sarif',
    'src/vscode/example.ts imports ../core/models/registry',
  ]);
});

test('the model client is constructed in one place: the workspace service', async () => {
  const sites: string[] = [];
  for (const file of await sourceFiles('src')) {
    const text = await readFile(file, 'utf8');
    const relative = path.relative(root, file);
    // The class's own factory is where `new OllamaClient` lives; everyone else asks the service.
    if (relative !== 'src/core/models/ollama/client.ts' && /new OllamaClient\s*\(/.test(text)) sites.push(`${relative}: new OllamaClient`);
    if (/OllamaClient\.fromConfig\s*\(/.test(text)) sites.push(`${relative}: OllamaClient.fromConfig`);
  }
  assert.deepEqual(sites, ['src/core/service/workspaceService.ts: OllamaClient.fromConfig']);
});
