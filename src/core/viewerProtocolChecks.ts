/**
 * Deep runtime checks of the messages the flow-log page sends its host. The page is ours, but a
 * webview is a separate process that renders values from the log: every field the host or the
 * worker will use is checked for its type, its allowed values and its size before use, and a
 * refused message comes with a reason naming the field (`query.filter.port: …`). Nothing here
 * imports `vscode` or DOM types, so the page can use the same checks (and limits) on its own state.
 */
import { isColumnLayouts, isViewToHost, type RowFilter, type SortColumn, type ViewMode, type ViewToHost } from './viewerProtocol';

/** Longest text each free-text filter field takes; the page's inputs stop there too. */
export const filterTextLimits = {
  /** A search over addresses, ports, rules, MACs and resource IDs (an ARM ID is at most a few hundred characters). */
  text: 1000,
  /** An IPv6 CIDR with an embedded IPv4 address is 49 characters (`ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128`). */
  ip: 100,
  /** A list of addresses or CIDRs: a dependency map's group (a subnet's or a network's prefixes, or up to a hundred addresses). */
  ipList: 5000,
  /** Ports and ranges separated by commas (`80,443,8000-8100`). */
  port: 200,
  /** A rule name as the log writes it (NSG rule names are at most 80 characters; the log may prefix them). */
  rule: 4096,
} as const;

/** Most rows one `query` window or `rows` message may ask for (the page asks for a screenful plus a few blocks). */
export const maxRowsPerRequest = 10_000;

/** Dates as JavaScript keeps them: ±8.64e15 ms around 1970 (ECMA-262, "Time Values and Time Range"). */
const maxTimeMs = 8.64e15;

const viewModes: Record<ViewMode, true> = { tuples: true, connections: true };
const sortColumns: Record<SortColumn, true> = {
  time: true,
  srcIp: true,
  srcPort: true,
  dstIp: true,
  dstPort: true,
  protocol: true,
  direction: true,
  decision: true,
  state: true,
  rule: true,
  packets: true,
  bytes: true,
  duration: true,
};
const states: Record<NonNullable<RowFilter['states']>[number], true> = { begin: true, continuing: true, end: true, deny: true, none: true };
const exportFormats: Record<Extract<ViewToHost, { type: 'export' }>['format'], true> = { csv: true, ndjson: true, ecs: true };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneOf(allowed: Record<string, true>): string {
  return Object.keys(allowed)
    .map((key) => `"${key}"`)
    .join(', ');
}

function isKey(allowed: Record<string, true>, value: unknown): boolean {
  return typeof value === 'string' && Object.hasOwn(allowed, value);
}

/** A reason when `value` is not a whole number from 0 up to `max`. */
function countProblem(path: string, value: unknown, max = Number.MAX_SAFE_INTEGER): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return `${path} must be a whole number of 0 or more`;
  }
  return value > max ? `${path} must be at most ${max}` : undefined;
}

function unknownKeyProblem(path: string, value: Record<string, unknown>, known: readonly string[]): string | undefined {
  const unknown = Object.keys(value).find((key) => !known.includes(key));
  return unknown === undefined ? undefined : `${path} has an unknown field "${unknown.slice(0, 40)}"`;
}

function textProblem(path: string, value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') {
    return `${path} must be text`;
  }
  return value.length > max ? `${path} is ${value.length} characters long; at most ${max} are allowed` : undefined;
}

function timeProblem(path: string, value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= maxTimeMs ? undefined : `${path} must be a time in epoch milliseconds`;
}

/** One check per filter field: the type checker makes sure a field added to RowFilter gets one. */
const filterChecks: { [K in keyof Required<RowFilter>]: (path: string, value: unknown) => string | undefined } = {
  text: (path, value) => textProblem(path, value, filterTextLimits.text),
  ip: (path, value) => textProblem(path, value, filterTextLimits.ip),
  srcIp: (path, value) => textProblem(path, value, filterTextLimits.ipList),
  dstIp: (path, value) => textProblem(path, value, filterTextLimits.ipList),
  port: (path, value) => textProblem(path, value, filterTextLimits.port),
  rule: (path, value) => textProblem(path, value, filterTextLimits.rule),
  protocols(path, value) {
    if (!Array.isArray(value)) {
      return `${path} must be a list of protocol numbers`;
    }
    if (value.length > 256) {
      return `${path} lists ${value.length} protocols; there are 256`;
    }
    const index = value.findIndex((item) => typeof item !== 'number' || !Number.isInteger(item) || item < 0 || item > 255);
    return index < 0 ? undefined : `${path}[${index}] must be an IANA protocol number from 0 to 255`;
  },
  direction: (path, value) => (value === 'inbound' || value === 'outbound' ? undefined : `${path} must be "inbound" or "outbound"`),
  decision: (path, value) => (value === 'allow' || value === 'deny' ? undefined : `${path} must be "allow" or "deny"`),
  states(path, value) {
    if (!Array.isArray(value)) {
      return `${path} must be a list of states`;
    }
    if (value.length > Object.keys(states).length) {
      return `${path} lists ${value.length} states; there are ${Object.keys(states).length}`;
    }
    const index = value.findIndex((item) => !isKey(states, item));
    return index < 0 ? undefined : `${path}[${index}] must be one of ${oneOf(states)}`;
  },
  timeFrom: timeProblem,
  timeTo: timeProblem,
};

/**
 * Why `value` is not a filter the query engine takes, or undefined when it is. Values the user
 * typed that do not parse (a prefix length of 40, a port of 70000) pass: the query answers them
 * with a message next to their field. A field set to `undefined` counts as absent.
 */
export function filterProblem(value: unknown, path = 'filter'): string | undefined {
  if (!isRecord(value)) {
    return `${path} must be an object`;
  }
  const unknown = unknownKeyProblem(path, value, Object.keys(filterChecks));
  if (unknown !== undefined) {
    return unknown;
  }
  for (const [key, check] of Object.entries(filterChecks)) {
    if (value[key] !== undefined) {
      const problem = check(`${path}.${key}`, value[key]);
      if (problem !== undefined) {
        return problem;
      }
    }
  }
  return undefined;
}

/** Why `value` is not a sort order of the table, or undefined when it is. */
export function sortProblem(value: unknown, path = 'sort'): string | undefined {
  if (!isRecord(value)) {
    return `${path} must be an object`;
  }
  const unknown = unknownKeyProblem(path, value, ['column', 'descending']);
  if (unknown !== undefined) {
    return unknown;
  }
  if (!isKey(sortColumns, value.column)) {
    return `${path}.column must be one of ${oneOf(sortColumns)}`;
  }
  return typeof value.descending === 'boolean' ? undefined : `${path}.descending must be true or false`;
}

function queryProblem(value: unknown, path = 'query'): string | undefined {
  if (!isRecord(value)) {
    return `${path} must be an object`;
  }
  const unknown = unknownKeyProblem(path, value, ['mode', 'filter', 'sort']);
  if (unknown !== undefined) {
    return unknown;
  }
  if (!isKey(viewModes, value.mode)) {
    return `${path}.mode must be one of ${oneOf(viewModes)}`;
  }
  return filterProblem(value.filter, `${path}.filter`) ?? (value.sort === undefined ? undefined : sortProblem(value.sort, `${path}.sort`));
}

function windowProblem(value: unknown, path: string): string | undefined {
  if (!isRecord(value)) {
    return `${path} must be an object`;
  }
  return unknownKeyProblem(path, value, ['offset', 'limit']) ?? countProblem(`${path}.offset`, value.offset) ?? countProblem(`${path}.limit`, value.limit, maxRowsPerRequest);
}

/** The checks of each message the page sends; the type checker makes sure a new message gets one. */
const messageChecks: { [T in ViewToHost['type']]: (message: Record<string, unknown>) => string | undefined } = {
  ready: () => undefined,
  saveColumns: (message) => (isColumnLayouts(message.columns) ? undefined : 'columns must give, per view mode, known column ids and widths above 0'),
  query: (message) =>
    countProblem('requestId', message.requestId) ??
    countProblem('epoch', message.epoch) ??
    queryProblem(message.query) ??
    (message.window === undefined ? undefined : windowProblem(message.window, 'window')),
  rows: (message) =>
    countProblem('requestId', message.requestId) ??
    countProblem('epoch', message.epoch) ??
    countProblem('offset', message.offset) ??
    countProblem('limit', message.limit, maxRowsPerRequest),
  detail: (message) => countProblem('requestId', message.requestId) ?? (isKey(viewModes, message.mode) ? undefined : `mode must be one of ${oneOf(viewModes)}`) ?? countProblem('id', message.id),
  export: (message) => (isKey(exportFormats, message.format) ? undefined : `format must be one of ${oneOf(exportFormats)}`) ?? queryProblem(message.query),
  keepRepeatedRecords: (message) => (typeof message.keep === 'boolean' ? undefined : 'keep must be true or false'),
};

/** A message from the page: the message, or why it is refused (naming the message type and field). */
export type ViewMessageCheck = { message: ViewToHost; problem?: undefined } | { message?: undefined; problem: string };

/**
 * Checks a message from the page before the host or the worker uses any of it.
 * `{ type: 'rows', requestId: 1, epoch: 1, offset: -5, limit: 100 }` → `"rows" message: offset must be a whole number of 0 or more`.
 */
export function checkViewToHost(value: unknown): ViewMessageCheck {
  if (!isRecord(value)) {
    return { problem: 'the message is not an object' };
  }
  if (typeof value.type !== 'string' || !Object.hasOwn(messageChecks, value.type)) {
    return { problem: `the message type ${typeof value.type === 'string' ? `"${value.type.slice(0, 40)}"` : String(typeof value.type)} is not one the page sends` };
  }
  const type = value.type as ViewToHost['type'];
  const problem = messageChecks[type](value);
  if (problem !== undefined) {
    return { problem: `"${type}" message: ${problem}` };
  }
  // The shape check every message also passes.
  return isViewToHost(value) ? { message: value } : { problem: `"${type}" message: its fields do not have the types the page sends` };
}
