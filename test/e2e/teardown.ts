import { rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { GitTestRepo } from '../support/gitRepo';
import type { OllamaTestServer } from '../support/ollamaTestServer';
import type { CodeServer } from './codeServer';
import type { Workbench } from './workbench';

/** Stops what an e2e file started, whichever of it started, keeping code-server's log beside the artifacts. */
export async function tearDown(started: { workbench?: Workbench; server?: CodeServer; ollama?: OllamaTestServer; profile?: string; repo?: GitTestRepo; artifacts: string }): Promise<void> {
  await started.workbench?.close();
  if (started.server) await writeFile(path.join(started.artifacts, 'logs.txt'), await started.server.logs());
  await started.server?.stop();
  await started.ollama?.close();
  // A reloaded window's extension host may still be writing its workspace storage as the server stops: rm tries again.
  if (started.profile) await rm(started.profile, { recursive: true, force: true, maxRetries: 5 });
  started.repo?.remove();
}
