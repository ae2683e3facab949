/**
 * Log Analytics' query API on its own HTTPS host, as Azure serves it apart from Resource Manager
 * (api.loganalytics.io): `POST /v1/workspaces/{workspaceId}/query` (Query_Post of the vendored
 * `operationalinsights/data-plane` v1 definition, test/fixtures/rest), answering with `tables`
 * of `columns` and `rows` as the official examples show, `error` beside them for partial results.
 *
 * Workspaces are the ARM stand-in's Log Analytics workspaces, addressed by `customerId`. A
 * workspace holds the Traffic Analytics rows of the flow logs whose Traffic Analytics sends there
 * (read from the ARM stand-in at query time, so enabling Traffic Analytics on a flow log fills the
 * workspace), made from the same generated blobs Azurite holds (trafficAnalyticsRows.ts).
 *
 * Queries are evaluated by kql.ts; what it refuses gets Log Analytics' error answer (400
 * `BadArgumentError` with an inner `SyntaxError` or `SemanticError`). README.md lists the subset.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { planTopologyFlowLogBlobs, type PlannedBlob } from './blobSeed';
import { sharedCertificates } from './certs';
import { evaluateKql, formatValue, KqlError, type KqlTable } from './kql';
import type { StandIn } from './server';
import { armIds, type Topology } from './topology';
import { trafficAnalyticsRows, type TrafficAnalyticsTables } from './trafficAnalyticsRows';
import { workspaceType } from './routes/workspaces';

/**
 * Log Analytics' documented limits: at most 500,000 records and 64 MB of data per result, beyond
 * which the query is a partial failure
 * (https://learn.microsoft.com/kusto/concepts/query-limits, "Limit on result set size"); a server
 * timeout of 3 minutes by default and 10 at most, set by `Prefer: wait=N`, past which the answer is
 * 504 (https://learn.microsoft.com/azure/azure-monitor/logs/api/timeouts); 200 requests per 30
 * seconds per user (https://learn.microsoft.com/azure/azure-monitor/service-limits#la-query-api),
 * past which the answer is 429.
 */
export const logAnalyticsLimits = {
  rows: 500_000,
  bytes: 64 * 1024 * 1024,
  defaultWaitSeconds: 180,
  maxWaitSeconds: 600,
  requestsPerWindow: 200,
  windowMs: 30_000,
};

/** The audiences Log Analytics accepts: the public cloud's query host, with or without a trailing slash. */
export const logAnalyticsAudiences = ['https://api.loganalytics.io', 'https://api.loganalytics.io/'];

export interface LogAnalyticsOptions {
  topology: Topology;
  /** The ARM stand-in seeded from the same topology: its workspaces and flow logs are read at query time. */
  standIn: StandIn;
  /** The seeding options Azurite was started with, so the rows come from the same blobs. */
  hours?: number;
  lastHour?: number;
  recordsPerBlob?: number;
  port?: number;
  /** Lower limits for tests of partial results (default: `logAnalyticsLimits`). */
  limits?: Partial<typeof logAnalyticsLimits>;
}

export interface LogAnalyticsStandIn {
  /** `https://127.0.0.1:<port>`; the query API is under `/v1`. */
  url: string;
  /** Queries answered, and the bodies and Prefer headers they came with. */
  queries: { workspaceId: string; query: string; timespan?: string; prefer?: string; status: number }[];
  /** The next `count` queries answer 429 with `Retry-After: seconds`, as throttled ones do (also `POST /_standin/throttle`). */
  throttleNext(count: number, seconds?: number): void;
  close(): Promise<void>;
}

interface ErrorBody {
  status: number;
  body: { error: Record<string, unknown> };
  headers?: Record<string, string>;
}

function errorAnswer(status: number, code: string, message: string, innererror?: Record<string, unknown>, headers?: Record<string, string>): ErrorBody {
  return { status, body: { error: { message, code, correlationId: randomUUID(), ...(innererror ? { innererror } : {}) } }, ...(headers ? { headers } : {}) };
}

/** `PT24H`, `P7D`, `PT30M` (a duration back from now) or `start/end` (ISO datetimes or start/duration). */
export function parseTimespan(text: string, now: number): { from: number; to: number } | undefined {
  const duration = (value: string): number | undefined => {
    const match = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
    if (!match || value === 'P' || value.endsWith('T')) {
      return undefined;
    }
    const [, d, h, m, s] = match.map((part) => Number(part ?? 0));
    return ((d * 24 + h) * 60 + m) * 60_000 + s * 1000;
  };
  const parts = text.split('/');
  if (parts.length === 1) {
    const span = duration(parts[0]);
    return span === undefined ? undefined : { from: now - span, to: now };
  }
  if (parts.length === 2) {
    const start = Date.parse(parts[0]);
    const endSpan = duration(parts[1]);
    const end = endSpan === undefined ? Date.parse(parts[1]) : start + endSpan;
    return Number.isNaN(start) || Number.isNaN(end) ? undefined : { from: start, to: end };
  }
  return undefined;
}

/** Starts the query host on 127.0.0.1 with the stand-in's shared certificate. */
export async function startLogAnalytics(options: LogAnalyticsOptions): Promise<LogAnalyticsStandIn> {
  let limits = { ...logAnalyticsLimits, ...options.limits };
  const certificates = sharedCertificates();
  const blobsByFlowLog = new Map<string, PlannedBlob[]>();
  for (const subscription of options.topology.subscriptions) {
    for (const group of subscription.resourceGroups) {
      for (const account of group.storageAccounts ?? []) {
        const storageAccountId = armIds.storageAccount(subscription.subscriptionId, group.name, account.name);
        for (const blob of planTopologyFlowLogBlobs(options.topology, { storageAccountId, hours: options.hours, lastHour: options.lastHour, recordsPerBlob: options.recordsPerBlob })) {
          const key = blob.flowLogId.toLowerCase();
          blobsByFlowLog.set(key, [...(blobsByFlowLog.get(key) ?? []), blob]);
        }
      }
    }
  }
  const rowCache = new Map<string, TrafficAnalyticsTables>();
  const queries: LogAnalyticsStandIn['queries'] = [];
  const recent = new Map<string, number[]>();
  let throttled = 0;
  let throttleSeconds = 1;

  /** The workspace's tables: rows of every flow log whose Traffic Analytics sends to it now. */
  function workspaceTables(workspaceArmId: string, customerId: string): TrafficAnalyticsTables {
    const flowLogs = options.standIn.state.list('Microsoft.Network/networkWatchers/flowLogs').filter((flowLog) => {
      const analytics = (flowLog.properties.flowAnalyticsConfiguration as { networkWatcherFlowAnalyticsConfiguration?: { enabled?: boolean; workspaceResourceId?: string } } | undefined)?.networkWatcherFlowAnalyticsConfiguration;
      return analytics?.enabled === true && analytics.workspaceResourceId?.toLowerCase() === workspaceArmId.toLowerCase() && flowLog.properties.enabled !== false;
    });
    const key = `${customerId}|${flowLogs.map((flowLog) => flowLog.id.toLowerCase()).sort().join(',')}`;
    let tables = rowCache.get(key);
    if (!tables) {
      const blobs = flowLogs.flatMap((flowLog) => blobsByFlowLog.get(flowLog.id.toLowerCase()) ?? []);
      tables = trafficAnalyticsRows(blobs, options.topology, customerId);
      rowCache.set(key, tables);
    }
    return tables;
  }

  function query(request: IncomingMessage, workspaceId: string, rawBody: string, started: number): ErrorBody | { status: 200; body: unknown } {
    const authorization = request.headers.authorization ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    let claims: { aud?: string; exp?: number; oid?: string } | undefined;
    try {
      claims = token ? (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as typeof claims) : undefined;
    } catch {
      claims = undefined;
    }
    if (!claims || typeof claims.aud !== 'string' || typeof claims.exp !== 'number') {
      return errorAnswer(401, 'AuthorizationRequiredError', 'Valid authentication was not provided');
    }
    if (!logAnalyticsAudiences.includes(claims.aud)) {
      return errorAnswer(403, 'InvalidTokenError', `The provided authentication is not valid for this resource: the token's audience is '${claims.aud}'`, { code: 'AudienceMismatch', message: `Expected audience ${logAnalyticsAudiences[0]}` });
    }
    if (claims.exp * 1000 <= started) {
      return errorAnswer(403, 'InvalidTokenError', 'The provided authentication is not valid for this resource', { code: 'TokenExpired', message: 'The access token has expired.' });
    }
    const user = claims.oid ?? '';
    const window = (recent.get(user) ?? []).filter((time) => time > started - limits.windowMs);
    window.push(started);
    recent.set(user, window);
    if (throttled > 0 || window.length > limits.requestsPerWindow) {
      throttled = Math.max(0, throttled - 1);
      return errorAnswer(429, 'ThrottledError', 'Your request was throttled: too many requests for this user. Retry after the time in Retry-After.', undefined, { 'Retry-After': String(throttleSeconds) });
    }
    const workspace = options.standIn.state.list(workspaceType).find((candidate) => String(candidate.properties.customerId ?? '').toLowerCase() === workspaceId.toLowerCase());
    if (!workspace) {
      return errorAnswer(404, 'WorkspaceNotFoundError', `The workspace could not be found`, { code: 'WorkspaceNotFoundError', message: `Workspace ${workspaceId} not found` });
    }
    let body: { query?: unknown; timespan?: unknown; workspaces?: unknown };
    try {
      body = JSON.parse(rawBody === '' ? '{}' : rawBody) as typeof body;
    } catch {
      return errorAnswer(400, 'BadArgumentError', 'The request had some invalid properties', { code: 'InvalidJson', message: 'The request body is not valid JSON.' });
    }
    if (typeof body.query !== 'string' || body.query.trim() === '') {
      return errorAnswer(400, 'BadArgumentError', 'The request had some invalid properties', { code: 'QueryMissing', message: "The 'query' property is required." });
    }
    if (body.workspaces !== undefined && (!Array.isArray(body.workspaces) || body.workspaces.length > 0)) {
      return errorAnswer(400, 'BadArgumentError', 'The request had some invalid properties', { code: 'NotSupported', message: 'Cross-workspace queries are not answered by this stand-in.' });
    }
    let range: { from: number; to: number } | undefined;
    if (body.timespan !== undefined) {
      range = typeof body.timespan === 'string' ? parseTimespan(body.timespan, started) : undefined;
      if (!range) {
        return errorAnswer(400, 'BadArgumentError', 'The request had some invalid properties', { code: 'InvalidTimespan', message: `'${String(body.timespan)}' is not an ISO 8601 duration or interval.` });
      }
    }
    const waitSeconds = Math.min(limits.maxWaitSeconds, Number(/wait=(\d+)/.exec(String(request.headers.prefer ?? ''))?.[1] ?? limits.defaultWaitSeconds));
    const all = workspaceTables(workspace.id, String(workspace.properties.customerId));
    // The request's timespan applies on top of the query's own time filters, to TimeGenerated.
    const inRange = (table: KqlTable): KqlTable => {
      if (!range) {
        return table;
      }
      const time = table.columns.findIndex((column) => column.name === 'TimeGenerated');
      const { from, to } = range;
      return { columns: table.columns, rows: table.rows.filter((row) => Number(row[time]) >= from && Number(row[time]) <= to) };
    };
    let result: KqlTable;
    try {
      result = evaluateKql(body.query, { NTANetAnalytics: inRange(all.NTANetAnalytics), AzureNetworkAnalytics_CL: inRange(all.AzureNetworkAnalytics_CL) }, started);
    } catch (error) {
      if (error instanceof KqlError) {
        return errorAnswer(400, 'BadArgumentError', 'The request had some invalid properties', {
          code: error.kind,
          message: error.kind === 'SyntaxError' ? 'A recognition error occurred in the query.' : 'A semantic error occurred.',
          innererror: { code: error.code, message: error.message, ...(error.position ?? {}) },
        });
      }
      throw error;
    }
    if (Date.now() - started > waitSeconds * 1000) {
      return errorAnswer(504, 'GatewayTimeout', `The query did not finish within the server timeout of ${waitSeconds} seconds.`);
    }
    const rows: unknown[][] = [];
    let bytes = 0;
    let partial: { code: string; message: string } | undefined;
    for (const row of result.rows) {
      if (rows.length >= limits.rows) {
        partial = { code: '-2133196797', message: `Query result set has exceeded the internal record count limit ${limits.rows} (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)` };
        break;
      }
      const formatted = row.map((value, index) => formatValue(value, result.columns[index].type));
      bytes += JSON.stringify(formatted).length + 1;
      if (bytes > limits.bytes) {
        partial = { code: '-2133196797', message: `Query result set has exceeded the internal data size limit ${limits.bytes} (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)` };
        break;
      }
      rows.push(formatted);
    }
    return {
      status: 200,
      body: {
        tables: [{ name: 'PrimaryResult', columns: result.columns.map(({ name, type }) => ({ name, type })), rows }],
        ...(partial
          ? { error: { code: 'PartialError', message: 'There were some errors when processing your query.', details: [{ code: 'EngineError', message: 'Something went wrong processing your query on the server.', innererror: { code: partial.code, message: partial.message, severity: 2, severityName: 'Error' } }] } }
          : {}),
      },
    };
  }

  /**
   * Test controls, as the ARM stand-in's `/_standin/…`: `POST /_standin/throttle` `{ count, seconds }`
   * throttles the next queries; `POST /_standin/limits` `{ rows?, bytes? }` lowers the result
   * limits and `DELETE /_standin/limits` puts Log Analytics' back; `GET /_standin/queries` lists
   * the queries answered, with their status.
   */
  function control(method: string, path: string, rawBody: string): { status: number; body: unknown } {
    const body = (rawBody === '' ? {} : JSON.parse(rawBody)) as { count?: unknown; seconds?: unknown; rows?: unknown; bytes?: unknown };
    const whole = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined);
    if (method === 'POST' && path === '/_standin/throttle') {
      throttled = whole(body.count) ?? 1;
      throttleSeconds = whole(body.seconds) ?? 1;
      return { status: 200, body: { throttled, seconds: throttleSeconds } };
    }
    if (path === '/_standin/limits' && (method === 'POST' || method === 'DELETE')) {
      limits = method === 'DELETE'
        ? { ...logAnalyticsLimits, ...options.limits }
        : { ...limits, ...(whole(body.rows) === undefined ? {} : { rows: whole(body.rows) as number }), ...(whole(body.bytes) === undefined ? {} : { bytes: whole(body.bytes) as number }) };
      return { status: 200, body: { rows: limits.rows, bytes: limits.bytes } };
    }
    if (method === 'GET' && path === '/_standin/queries') {
      return { status: 200, body: { queries } };
    }
    return errorAnswer(404, 'PathNotFoundError', `No stand-in control ${method} ${path}.`);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const path = new URL(request.url ?? '/', 'https://127.0.0.1').pathname;
    const match = /^\/v1\/workspaces\/([^/]+)\/query$/i.exec(path);
    let answer: ErrorBody | { status: number; body: unknown; headers?: Record<string, string> };
    try {
      if (path.startsWith('/_standin/')) {
        answer = control(request.method ?? 'GET', path, rawBody);
      } else if (!match) {
        answer = errorAnswer(404, 'PathNotFoundError', `The requested path does not exist: ${request.method ?? ''} ${path}`);
      } else if (request.method !== 'POST') {
        answer = errorAnswer(405, 'MethodNotAllowed', `This stand-in answers queries by POST only (Query_Post), not ${request.method ?? ''}.`);
      } else {
        answer = query(request, decodeURIComponent(match[1]), rawBody, started);
        let sent: { query?: unknown; timespan?: unknown } = {};
        try {
          sent = JSON.parse(rawBody || '{}') as typeof sent;
        } catch {
          // Answered above as BadArgumentError.
        }
        queries.push({
          workspaceId: decodeURIComponent(match[1]),
          query: typeof sent.query === 'string' ? sent.query : '',
          ...(typeof sent.timespan === 'string' ? { timespan: sent.timespan } : {}),
          ...(request.headers.prefer ? { prefer: String(request.headers.prefer) } : {}),
          status: answer.status,
        });
      }
    } catch (error) {
      answer = errorAnswer(500, 'InternalServerError', `The stand-in failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = JSON.stringify(answer.body);
    response.writeHead(answer.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'x-ms-request-id': randomUUID(), ...('headers' in answer ? answer.headers : {}) });
    response.end(text);
  }

  const server: Server = createServer({ key: certificates.keyPem, cert: certificates.certPem }, (request, response) => {
    void handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    queries,
    throttleNext(count: number, seconds = 1): void {
      throttled = count;
      throttleSeconds = seconds;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
