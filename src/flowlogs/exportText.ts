/**
 * The text of single values in an export: times, transport names, CSV fields (with text a
 * spreadsheet would read as a formula neutralised) and JSON text safe for NDJSON lines.
 */
/** IANA protocol number → lower-case name as ECS `network.transport` uses it. */
export function transportName(protocol: number): string {
  switch (protocol) {
    case 1:
      return 'icmp';
    case 6:
      return 'tcp';
    case 17:
      return 'udp';
    case 47:
      return 'gre';
    case 50:
      return 'esp';
    case 51:
      return 'ah';
    case 58:
      return 'ipv6-icmp';
    case 132:
      return 'sctp';
    default:
      return String(protocol);
  }
}

/** ISO-8601 UTC with milliseconds, or '' for a time that is not a number. */
export function isoTime(epochMs: number): string {
  return Number.isFinite(epochMs) ? new Date(epochMs).toISOString() : '';
}

/**
 * One CSV field, quoted when it holds a comma, quote, CR or LF (RFC 4180). Text that a
 * spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, TAB, CR or LF, as
 * OWASP "CSV Injection" lists them) gets a leading `'` and quotes: `=1+2` → `"'=1+2"`. Numbers
 * are written as they are, so a negative count stays a number.
 */
export function csvField(value: string | number | undefined): string {
  if (value === undefined || (typeof value === 'number' && Number.isNaN(value))) {
    return '';
  }
  if (typeof value === 'number') {
    return String(value);
  }
  if (formulaStart.test(value)) {
    return `"'${value.replace(/"/g, '""')}"`;
  }
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const formulaStart = /^[=+\-@\t\r\n]/;

/**
 * JSON text of a value with U+2028 and U+2029 escaped too: JSON.stringify leaves them as they
 * are, and JavaScript before ES2019 and some line-based readers take them for line ends, which
 * would split an NDJSON line.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(lineSeparators, (separator) => (separator === '\u2028' ? '\\u2028' : '\\u2029'));
}

const lineSeparators = /[\u2028\u2029]/g;

/**
 * `jsonText` of plain data (strings, numbers, booleans, null, arrays and objects of them), with
 * the text of each string kept in `strings`: for the many objects built from few distinct values.
 */
export function cachedJsonText(value: unknown, strings: Map<string, string>): string {
  if (typeof value === 'string') {
    let text = strings.get(value);
    if (text === undefined) {
      text = jsonText(value);
      strings.set(value, text);
    }
    return text;
  }
  if (value === null || typeof value !== 'object') {
    return jsonText(value);
  }
  if (Array.isArray(value)) {
    // As JSON.stringify: undefined in a list is null.
    return `[${value.map((item: unknown) => (item === undefined ? 'null' : cachedJsonText(item, strings))).join(',')}]`;
  }
  return `{${cachedJsonMembers(value as Record<string, unknown>, strings)}}`;
}

/** The members of an object's `cachedJsonText`, without the braces; undefined ones left out, as JSON.stringify does. */
export function cachedJsonMembers(value: Record<string, unknown>, strings: Map<string, string>): string {
  let text = '';
  for (const name of Object.keys(value)) {
    const member = value[name];
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') {
      continue;
    }
    text += `${text.length > 0 ? ',' : ''}${cachedJsonText(name, strings)}:${cachedJsonText(member, strings)}`;
  }
  return text;
}
