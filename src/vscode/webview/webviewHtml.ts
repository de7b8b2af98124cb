import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** The folder esbuild writes each `media/<name>/main.ts` to, as `<name>.js` and `<name>.css`. */
export function mediaRoot(extension: vscode.ExtensionContext): vscode.Uri {
  return vscode.Uri.joinPath(extension.extensionUri, 'dist', 'media');
}

/** Options every House Style webview gets: scripts on, and nothing loadable but its own bundle. */
export function webviewOptions(extension: vscode.ExtensionContext): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [mediaRoot(extension)] };
}

/**
 * A webview's page: a strict Content-Security-Policy (nothing but the bundle's script, with a fresh nonce,
 * and its stylesheet; no inline script, no remote loads), the bundle loaded through `asWebviewUri`, and the
 * given static body. Everything dynamic is rendered by the bundle, from typed messages.
 */
export function webviewHtml(webview: vscode.Webview, extension: vscode.ExtensionContext, options: { name: string; title: string; body: string }): string {
  const nonce = randomBytes(16).toString('base64url');
  const media = mediaRoot(extension);
  const script = webview.asWebviewUri(vscode.Uri.joinPath(media, `${options.name}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, `${options.name}.css`));
  const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `img-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp};">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>${options.title}</title>
</head>
<body>
${options.body}
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

/** Listens to a webview's messages, passing on only those the protocol's guard accepts (webview input is untrusted). */
export function onValidMessage<T>(webview: vscode.Webview, isValid: (message: unknown) => message is T, handle: (message: T) => unknown): vscode.Disposable {
  return webview.onDidReceiveMessage((message: unknown) => {
    if (isValid(message)) void handle(message);
  });
}
