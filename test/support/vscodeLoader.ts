// A module hook (node:module register) that resolves the bare specifier 'vscode' to the stand-in in
// vscodeStandIn.ts, so the editor adapter's mapping code can run under node:test.
import type { ResolveHook } from 'node:module';

const STAND_IN = new URL('./vscodeStandIn.ts', import.meta.url).href;

// Resolving the stand-in through the rest of the chain lets tsx see (and compile) the TypeScript file.
export const resolve: ResolveHook = (specifier, context, nextResolve) => nextResolve(specifier === 'vscode' ? STAND_IN : specifier, context);
