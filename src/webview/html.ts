/**
 * Builds the flow-log viewer page. The only place webview HTML is written: strict CSP with a
 * fresh nonce per render, no remote content, no inline handlers or styles.
 */
import { randomBytes } from 'node:crypto';

export interface WebviewPageOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  /** Webview URIs (as strings) of the bundle and its stylesheet, under the built webview folder. */
  scriptUri: string;
  styleUri: string;
  /** Webview URIs of scripts that run before the bundle, under the same nonce (see `FlowLogViewerAddOn`). */
  pageScripts?: string[];
  title: string;
  /** What the page says when scripts are off. */
  noScript?: string;
  /** Passed to the page as HTML-escaped JSON in `data-settings`. */
  settings: unknown;
}

/** Escapes text for use in HTML text and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => {
    switch (character) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&#39;';
    }
  });
}

/** A new random nonce for one render. */
export function createNonce(): string {
  return randomBytes(18).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${cspSource}; img-src ${cspSource} data:; font-src ${cspSource}`;
}

export function renderWebviewHtml(options: WebviewPageOptions): string {
  const nonce = createNonce();
  const csp = contentSecurityPolicy(options.cspSource, nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
<title>${escapeHtml(options.title)}</title>
</head>
<body data-settings="${escapeHtml(JSON.stringify(options.settings ?? {}))}">
<noscript>${escapeHtml(options.noScript ?? 'The flow-log viewer needs scripts enabled.')}</noscript>
${(options.pageScripts ?? []).map((uri) => `<script nonce="${nonce}" src="${escapeHtml(uri)}"></script>\n`).join('')}<script nonce="${nonce}" src="${escapeHtml(options.scriptUri)}"></script>
</body>
</html>`;
}
