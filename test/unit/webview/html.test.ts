import * as assert from 'node:assert/strict';
import { escapeHtml, renderWebviewHtml } from '../../../src/webview/html';

const options = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/flowlogs.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/flowlogs.css',
  title: 'PT1H.json',
  settings: { fileName: '"><script>alert(1)</script>.json' },
};

function cspOf(html: string): string {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(match, 'the page has a CSP meta tag');
  return match[1].replace(/&#39;/g, "'");
}

describe('webview html', () => {
  it('sets a strict CSP whose script nonce is fresh on every render', () => {
    const first = renderWebviewHtml(options);
    const second = renderWebviewHtml(options);
    const csp = cspOf(first);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce !== undefined && nonce.length >= 16, csp);
    assert.equal(
      csp,
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${options.cspSource}; img-src ${options.cspSource} data:; font-src ${options.cspSource}`,
    );
    assert.notEqual(cspOf(second), csp, 'a new nonce per render');
    assert.ok(first.includes(`<script nonce="${nonce}" src="${options.scriptUri}"></script>`));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  });

  it('loads nothing from outside the webview resource root and has no inline code or styles', () => {
    const html = renderWebviewHtml(options);
    const urls = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((match) => match[1]);
    assert.deepEqual(urls, [options.styleUri, options.scriptUri]);
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
    assert.doesNotMatch(html, /\sstyle=|<style/i, 'no inline styles');
    assert.equal(html.match(/<script/g)?.length, 1);
  });

  it('runs page scripts before the bundle, under the same nonce, and still nothing inline', () => {
    const pageScripts = ['https://file+.vscode-resource.vscode-cdn.net/probe/first.js', 'https://file+.vscode-resource.vscode-cdn.net/probe/second.js'];
    const html = renderWebviewHtml({ ...options, pageScripts });
    const nonce = /script-src 'nonce-([^']+)'/.exec(cspOf(html))?.[1];
    const scripts = [...html.matchAll(/<script([^>]*)><\/script>/g)].map((match) => match[1]);
    assert.deepEqual(scripts, [...pageScripts, options.scriptUri].map((uri) => ` nonce="${nonce}" src="${uri}"`));
    assert.doesNotMatch(cspOf(html), /unsafe-inline|unsafe-eval/);
  });

  it('escapes the settings JSON in its data attribute', () => {
    const html = renderWebviewHtml(options);
    const attribute = /data-settings="([^"]*)"/.exec(html)?.[1];
    assert.ok(attribute !== undefined);
    assert.doesNotMatch(attribute, /[<>"]/);
    const decoded = attribute.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    assert.deepEqual(JSON.parse(decoded), options.settings);
    assert.equal(escapeHtml(`<a href='x'>&"`), '&lt;a href=&#39;x&#39;&gt;&amp;&quot;');
  });
});
