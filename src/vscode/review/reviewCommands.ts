import type * as vscode from 'vscode';
import type { Finding } from '../../core/review/finding';
import type { CommandFactory } from '../commands';
import type { HouseStyleContext } from '../context';
import { APPLIED_COMMAND, DISMISS_COMMAND } from './codeActions';
import { ReviewController } from './reviewController';

const controllers = new WeakMap<HouseStyleContext, ReviewController>();

/** One controller per extension context, made when the first review command is registered (at activation). */
function controller(ctx: HouseStyleContext): ReviewController {
  let existing = controllers.get(ctx);
  if (!existing) controllers.set(ctx, (existing = new ReviewController(ctx)));
  return existing;
}

export const reviewCommands: Record<string, CommandFactory> = {
  'housestyle.reviewFile': (ctx) => () => controller(ctx).reviewActiveFile(),
  'housestyle.reviewSelection': (ctx) => () => controller(ctx).reviewActiveSelection(),
  'housestyle.reviewChanges': (ctx) => () => controller(ctx).reviewChanges(),
  'housestyle.clearFindings': (ctx) => () => controller(ctx).clear(),
  [APPLIED_COMMAND]: (ctx) => (uri, finding) => controller(ctx).resolve(uri as vscode.Uri, finding as Finding, 'accepted'),
  [DISMISS_COMMAND]: (ctx) => (uri, finding) => controller(ctx).resolve(uri as vscode.Uri, finding as Finding, 'dismissed'),
};
