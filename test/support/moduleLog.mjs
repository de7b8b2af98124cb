// Preloaded with `--import` (NODE_OPTIONS), it records the URL of every file module a process resolves, one a
// line, into the file HOUSESTYLE_MODULE_LOG names: a test reads which modules a command loaded. Node runs
// resolve hooks on a thread of their own; there this file is the hook, and on the main thread it registers it.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url);

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (process.env.HOUSESTYLE_MODULE_LOG && resolved.url.startsWith('file:')) appendFileSync(process.env.HOUSESTYLE_MODULE_LOG, `${resolved.url}\n`);
  return resolved;
}
