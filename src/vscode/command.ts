import type { HouseStyleContext, EditorWorkspace } from './context';
import type { LastTextEditor } from './lastTextEditor';
import type { AdvicePreview } from './models/advicePreview';
import type { FindingsStore } from './review/findingsStore';
import type { ReviewRunner } from './review/reviewRunner';

/** The editor parts that commands act on, made and wired in extension.ts. */
export interface EditorParts {
  findings: FindingsStore;
  reviews: ReviewRunner;
  /** The file a command acts on, also when the walkthrough or a panel has the focus. */
  editors: LastTextEditor;
  advice: AdvicePreview;
  /** Tells the Models tree that versions, the route or Ollama's models changed. */
  modelsChanged: () => void;
  /** Shows the chat with the caret in its question box. */
  openChat: () => Promise<void>;
}

/** A command is a factory: it receives the shared context and the editor parts, and returns the handler. */
export type CommandFactory = (ctx: HouseStyleContext, parts: EditorParts) => (...args: unknown[]) => unknown;

/**
 * A command that works on the open folder. Its registration checks, once, what it needs (`trust`: a trusted
 * workspace and an open folder; `folder`: an open folder) and hands the handler the folder and its service.
 */
export interface WorkspaceCommand {
  needs: 'trust' | 'folder';
  run: (ctx: HouseStyleContext, parts: EditorParts) => (workspace: EditorWorkspace, ...args: unknown[]) => unknown;
}
