import { randomUUID } from 'node:crypto';
import { ArmError } from '../armErrors';
import type { Reply, RequestContext, Route, StandInCore } from '../http';
import type { ArmResource, JsonObject } from '../state';
import { view } from './common';

/**
 * Azure Resource Graph's query (`POST /providers/Microsoft.ResourceGraph/resources`), as the
 * 2024-04-01 examples ResourcesFirstPageQuery and ResourcesRandomPageQuery show it: `$top` (at most
 * 1,000), `$skip`, `$skipToken`, `objectArray` or `table` results, `totalRecords`, and the per-user
 * quota headers of "Guidance for throttled requests" (15 queries per 5-second window).
 *
 * Only a subset of KQL is understood, the one this extension sends and its tests need:
 * `Resources | where type =~ '<type>' | order by <column> [asc|desc] | project <columns> | limit N`.
 * Any other query is refused with Resource Graph's InvalidQuery error, naming what was not understood.
 */

/** The columns of the Resources table. */
const columns = ['id', 'name', 'type', 'tenantId', 'kind', 'location', 'resourceGroup', 'subscriptionId', 'managedBy', 'sku', 'plan', 'properties', 'tags', 'identity', 'zones', 'extendedLocation'] as const;
type Column = (typeof columns)[number];
type Row = Partial<Record<Column, unknown>>;

export const graphQuota = { queries: 15, windowMs: 5_000 };

/**
 * Bytes of rows one answer holds at most: past it Resource Graph answers fewer rows than `$top`
 * (with a `$skipToken` for the rest). Tests lower it; the default is far above the demo's answers.
 */
export const graphAnswerLimit = { bytes: 16 * 1024 * 1024 };
const quotaWindows = new WeakMap<StandInCore, Map<string, { start: number; used: number }>>();

interface ParsedQuery {
  type?: { value: string; caseInsensitive: boolean };
  order?: { column: Column; descending: boolean };
  project?: Column[];
  limit?: number;
}

export const resourceGraphRoutes: Route[] = [
  {
    family: 'resourcegraph',
    resourceType: 'resources',
    method: 'POST',
    template: '/providers/Microsoft.ResourceGraph/resources',
    handle: (context) => query(context),
  },
];

function query(context: RequestContext): Reply {
  const quota = takeQuota(context);
  const text = context.body.query;
  if (typeof text !== 'string' || text.trim() === '') {
    throw invalidQuery('The request has no query.');
  }
  const parsed = parse(text);
  const options = (context.body.options ?? {}) as JsonObject;
  const top = integerOption(options, '$top', 100);
  if (top < 1 || top > 1000) {
    throw invalidQuery(`The value of $top must be between 1 and 1000, got ${top}.`);
  }
  const token = typeof options.$skipToken === 'string' ? decodeSkipToken(options.$skipToken) : undefined;
  const skip = options.$skip !== undefined ? integerOption(options, '$skip', 0) : (token ?? 0);
  const format = options.resultFormat ?? 'objectArray';
  if (format !== 'objectArray' && format !== 'table') {
    throw invalidQuery(`Unknown resultFormat '${String(format)}'; use 'objectArray' or 'table'.`);
  }
  const subscriptionIds = Array.isArray(context.body.subscriptions) ? context.body.subscriptions.filter((id): id is string => typeof id === 'string') : [];
  let rows = rowsOf(context, parsed, subscriptionIds);
  if (parsed.limit !== undefined) {
    rows = rows.slice(0, parsed.limit);
  }
  const slice = capped(rows.slice(skip, skip + top));
  const shown = parsed.project ?? [...columns];
  const body: JsonObject = {
    totalRecords: rows.length,
    count: slice.length,
    resultTruncated: 'false',
    facets: [],
    data: format === 'table' ? table(slice, shown) : slice.map((row) => Object.fromEntries(shown.map((column) => [column, row[column] ?? null]))),
  };
  if (skip + slice.length < rows.length) {
    body.$skipToken = Buffer.from(JSON.stringify({ offset: skip + slice.length })).toString('base64');
  }
  return { status: 200, body, headers: quota };
}

/** Resources of the subscriptions the caller's tenant owns (others are left out, as Resource Graph leaves out what the caller cannot read). */
function rowsOf(context: RequestContext, parsed: ParsedQuery, subscriptionIds: string[]): Row[] {
  if (parsed.type === undefined) {
    throw invalidQuery("The stand-in only answers queries that filter on one type: where type =~ '<type>'.");
  }
  const { value, caseInsensitive } = parsed.type;
  // Resource Graph stores types in lower case: `==` with capitals matches nothing.
  if (!caseInsensitive && value !== value.toLowerCase()) {
    return [];
  }
  const rows: Row[] = [];
  for (const subscriptionId of subscriptionIds) {
    const subscription = context.core.state.subscription(subscriptionId);
    if (subscription === undefined || subscription.tenantId.toLowerCase() !== context.claims.tid.toLowerCase()) {
      continue;
    }
    for (const resource of context.core.state.list(value, `/subscriptions/${subscription.subscriptionId}`)) {
      rows.push(rowOf(view(resource, context), subscription.subscriptionId, subscription.tenantId));
    }
  }
  if (parsed.order !== undefined) {
    const { column, descending } = parsed.order;
    const key = (row: Row): string => (typeof row[column] === 'string' ? (row[column] as string) : JSON.stringify(row[column] ?? ''));
    rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (descending ? -1 : 1));
  }
  return rows;
}

function rowOf(resource: ArmResource, subscriptionId: string, tenantId: string): Row {
  const resourceGroup = /\/resourceGroups\/([^/]+)/i.exec(resource.id)?.[1] ?? '';
  return {
    id: resource.id,
    name: resource.name,
    type: resource.type.toLowerCase(),
    tenantId,
    kind: typeof resource.kind === 'string' ? resource.kind : '',
    location: resource.location ?? '',
    resourceGroup: resourceGroup.toLowerCase(),
    subscriptionId,
    managedBy: '',
    sku: resource.sku ?? null,
    plan: null,
    properties: resource.properties,
    tags: resource.tags ?? {},
    identity: resource.identity ?? null,
    zones: resource.zones ?? null,
    extendedLocation: resource.extendedLocation ?? null,
  };
}

/** The leading rows that fit in `graphAnswerLimit` (at least one). */
function capped(rows: Row[]): Row[] {
  let bytes = 0;
  for (let index = 0; index < rows.length; index++) {
    bytes += JSON.stringify(rows[index]).length;
    if (bytes > graphAnswerLimit.bytes && index > 0) {
      return rows.slice(0, index);
    }
  }
  return rows;
}

function table(rows: Row[], shown: Column[]): JsonObject {
  const typeOf = (column: Column): string => (['properties', 'tags', 'sku', 'plan', 'identity', 'zones', 'extendedLocation'].includes(column) ? 'object' : 'string');
  return {
    columns: shown.map((name) => ({ name, type: typeOf(name) })),
    rows: rows.map((row) => shown.map((column) => row[column] ?? null)),
  } as unknown as JsonObject;
}

/** Splits on `|` outside quotes and reads each stage of the supported subset. */
export function parse(text: string): ParsedQuery {
  const stages: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const char of text) {
    if (quote !== undefined) {
      quote = char === quote ? undefined : quote;
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === '|') {
      stages.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  stages.push(current.trim());
  const [tableName, ...rest] = stages;
  if (!/^resources$/i.test(tableName)) {
    throw invalidQuery(`The stand-in only queries the Resources table, not '${tableName}'.`);
  }
  const parsed: ParsedQuery = {};
  for (const stage of rest) {
    let match: RegExpExecArray | null;
    if ((match = /^where\s+type\s*(=~|==)\s*(['"])([^'"]*)\2$/i.exec(stage))) {
      parsed.type = { value: match[3], caseInsensitive: match[1] === '=~' };
    } else if ((match = /^(?:order|sort)\s+by\s+(\w+)(?:\s+(asc|desc))?$/i.exec(stage))) {
      parsed.order = { column: columnOf(match[1]), descending: (match[2] ?? 'desc').toLowerCase() === 'desc' };
    } else if ((match = /^project\s+(.+)$/i.exec(stage))) {
      parsed.project = match[1].split(',').map((name) => columnOf(name.trim()));
    } else if ((match = /^(?:limit|take)\s+(\d+)$/i.exec(stage))) {
      parsed.limit = Number(match[1]);
    } else {
      throw invalidQuery(`The stand-in does not understand the query part '${stage}'.`);
    }
  }
  return parsed;
}

function columnOf(name: string): Column {
  const column = columns.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  if (column === undefined) {
    throw invalidQuery(`Failed to resolve scalar expression named '${name}'.`);
  }
  return column;
}

function integerOption(options: JsonObject, name: string, fallback: number): number {
  const value = options[name];
  if (value === undefined) {
    return fallback;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalidQuery(`The value of ${name} must be a whole number, got ${JSON.stringify(value)}.`);
  }
  return value;
}

function decodeSkipToken(token: string): number {
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) {
      return offset;
    }
  } catch {
    // Answered below.
  }
  throw invalidQuery('The $skipToken is not valid.');
}

/** Resource Graph's error: BadRequest, then InvalidQuery and the parser's reason in the details. */
function invalidQuery(reason: string): ArmError {
  return new ArmError(400, 'BadRequest', supportInfo(), {
    details: [
      { code: 'InvalidQuery', message: 'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.' },
      { code: 'ParserFailure', message: reason },
    ],
  });
}

function supportInfo(): string {
  return `Please provide below info when asking for support: timestamp = ${new Date().toISOString()}, correlationId = ${randomUUID()}.`;
}

/** Counts the query against the caller's window; answers the quota headers, or throws the 429. */
function takeQuota(context: RequestContext): Record<string, string> {
  let windows = quotaWindows.get(context.core);
  if (windows === undefined) {
    windows = new Map();
    quotaWindows.set(context.core, windows);
  }
  const now = Date.now();
  let window = windows.get(context.claims.oid);
  if (window === undefined || now - window.start >= graphQuota.windowMs) {
    window = { start: now, used: 0 };
    windows.set(context.claims.oid, window);
  }
  const resetsAfter = new Date(Math.max(0, window.start + graphQuota.windowMs - now)).toISOString().slice(11, 19);
  if (window.used >= graphQuota.queries) {
    throw new ArmError(429, 'RateLimiting', supportInfo(), {
      details: [{ code: 'RateLimiting', message: `Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.` }],
      headers: { 'x-ms-user-quota-remaining': '0', 'x-ms-user-quota-resets-after': resetsAfter },
    });
  }
  window.used += 1;
  return { 'x-ms-user-quota-remaining': String(graphQuota.queries - window.used), 'x-ms-user-quota-resets-after': resetsAfter };
}
