// What every House Style webview front-end needs from its page: the typed VS Code API and a way to make
// elements whose text is set as text (never parsed as HTML).

export interface VsCodeApi<Request, State> {
  postMessage(message: Request): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<Request, State>(): VsCodeApi<Request, State>;

/** The page's VS Code API, typed by the view's protocol; it may be acquired once per page. */
export function vscodeApi<Request, State>(): VsCodeApi<Request, State> {
  return acquireVsCodeApi<Request, State>();
}

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Enables a form whose controls the page's HTML holds in a disabled `<fieldset>`. They stay disabled until the
 * script has attached its handlers, because a submit before that is the browser's own: it navigates the webview
 * to its own address, and the view goes blank.
 */
export function enableForm(form: HTMLFormElement): void {
  for (const fieldset of form.querySelectorAll('fieldset')) fieldset.disabled = false;
}
