/**
 * Markdown for text that comes from Azure or from the user (names, ids, paths, messages): escaped so
 * it cannot format, link, inject HTML or break out of a table cell or code block. Used by the plan
 * preview and the packet-capture summary. Pure: no `vscode` import here.
 */

/**
 * Escapes text for markdown: characters that would start formatting, links or HTML are
 * backslash-escaped, and line breaks become spaces so a value never opens a new block.
 * `escapeMarkdown('nsg_[prod]*')` → `nsg\_\[prod\]\*`.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*_[\]<>#|~&]/g, (char) => `\\${char}`)
    .replace(/^(\s*)(=|[-+](?=\s|$))/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(?=\s|$)/, '$1\\$2');
}

/** Text as an inline code span (backticks cannot be escaped inside one, so they become `'`). */
export function inlineCode(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\r?\n|\r/g, ' ')}\``;
}

/**
 * A fenced code block whose fence is longer than any backtick run in `text`, so no value inside
 * can close it; every line is prefixed with `indent` (to keep the block inside a list item).
 */
export function codeBlock(text: string, language = '', indent = ''): string[] {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return [`${indent}${fence}${language}`, ...text.split(/\r?\n|\r/).map((line) => `${indent}${line}`), `${indent}${fence}`];
}
