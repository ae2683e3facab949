/**
 * Log Analytics queries through @azure/monitor-query-logs: one `LogsQueryClient` per credential,
 * pointed at the cloud's query host (`endpoint` with `/v1`, tokens for its own audience: the SDK's
 * default scope is the public cloud's whatever the endpoint, so it is always given). Results and
 * failures come back in words: partial results, Log Analytics' limits and throttling.
 *
 * Limits (https://learn.microsoft.com/kusto/concepts/query-limits, "Limit on result set size", and
 * https://learn.microsoft.com/azure/azure-monitor/service-limits#log-queries-and-language): a
 * result holds at most 500,000 records and 64 MB, beyond which it is a partial failure; a query
 * runs for 3 minutes unless `Prefer: wait` allows up to 10
 * (https://learn.microsoft.com/azure/azure-monitor/logs/api/timeouts), after which the answer is
 * 504; a user may send 200 queries per 30 seconds, beyond which the answer is 429 with
 * `Retry-After`, which the SDK's pipeline waits for and retries.
 */
import type { TokenCredential } from '@azure/core-auth';
import { LogsQueryClient, LogsQueryResultStatus, type LogsErrorInfo } from '@azure/monitor-query-logs';
import { isCancellation } from './armProblem';

export const logAnalyticsLimits = { rows: 500_000, bytes: 64 * 1024 * 1024, serverTimeoutSeconds: 600, requestsPer30Seconds: 200 } as const;

/** Retries of a throttled (429) or unavailable (503) query, each after the wait the service asks for. */
export const throttlingRetries = 4;

export interface LogAnalyticsAccess {
  /** A credential for `scope` (the account's, for the workspace's tenant). */
  credential: TokenCredential;
  /** The cloud's query host without `/v1`, e.g. `https://api.loganalytics.io`. */
  endpoint: string;
  /** Extra CA certificates (PEM), for tests that run the stand-in in-process. */
  caPem?: string;
}

export interface QueryColumn {
  name: string;
  /** Log Analytics' type: `string`, `long`, `int`, `real`, `datetime`, `timespan`, `bool`, `dynamic`, `guid`. */
  type: string;
}

export type QueryCell = string | number | boolean | null;

export interface TrafficQueryResult {
  columns: QueryColumn[];
  /** Cells as plain values: datetimes as ISO text, dynamic values as JSON text. */
  rows: QueryCell[][];
  /** Set when Log Analytics stopped early: what it said, in words, and what to do. */
  partial?: string;
}

/** A query Log Analytics did not answer: the words to show, and its code and status for the log. */
export class LogAnalyticsProblem extends Error {
  constructor(message: string, readonly code: string, readonly status?: number) {
    super(message);
  }
}

function cell(value: unknown): QueryCell {
  if (value === null || value === undefined) {
    return null;
  }
  if (value instanceof Date) {
    return value.toISOString();
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  return JSON.stringify(value);
}

/** The innermost messages of a Log Analytics error, outermost first: `A semantic error occurred. › SEM0100: 'where' operator: …`. */
export function errorChain(error: unknown): string[] {
  const found: string[] = [];
  let current = error as { code?: unknown; message?: unknown; innererror?: unknown; details?: unknown } | undefined;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    if (typeof current.message === 'string' && current.message !== '') {
      const code = typeof current.code === 'string' && /^[A-Z]{3}\d{4}$/.test(current.code) ? `${current.code}: ` : '';
      found.push(`${code}${current.message}`);
    }
    const details = Array.isArray(current.details) ? (current.details as { message?: unknown; code?: unknown }[]) : [];
    for (const detail of details) {
      if (typeof detail.message === 'string' && !found.includes(detail.message)) {
        found.push(detail.message);
      }
    }
    current = current.innererror as typeof current;
  }
  return found;
}

/**
 * Words for a partial result: Log Analytics' own message, the rows that did arrive, and the limit
 * the result may have met.
 */
export function describePartialResult(partialError: LogsErrorInfo | undefined, rows: number, bytes: number): string {
  const said = errorChain(partialError).join(' › ') || 'no reason given';
  const limit = rows >= logAnalyticsLimits.rows
    ? `It reached Log Analytics' limit of ${logAnalyticsLimits.rows.toLocaleString('en-US')} rows per result.`
    : bytes >= logAnalyticsLimits.bytes * 0.9
      ? `It is near Log Analytics' limit of 64 MB per result.`
      : `A result holds at most ${logAnalyticsLimits.rows.toLocaleString('en-US')} rows and 64 MB.`;
  return `Log Analytics returned a partial result (${said}): ${rows.toLocaleString('en-US')} rows arrived. ${limit} Narrow the time range, filter more, or add "| take N" to see a complete answer.`;
}

/** Words for a failed query, from the SDK's RestError (status, and the body in `details`). */
export function describeQueryFailure(error: unknown, workspaceName: string): LogAnalyticsProblem {
  const rest = error as { statusCode?: number; code?: string; message?: string; details?: { error?: { code?: string; message?: string; innererror?: unknown } } };
  const status = rest.statusCode;
  const body = rest.details?.error;
  const code = body?.code ?? rest.code ?? 'QueryFailed';
  const chain = errorChain(body);
  switch (status) {
    case 400:
      return new LogAnalyticsProblem(`Log Analytics refused the query (${code}): ${chain.slice(1).join(' › ') || chain.join(' › ') || (rest.message ?? '')}. Edit the query and run it again.`, code, status);
    case 401:
    case 403:
      return new LogAnalyticsProblem(`Log Analytics refused access to workspace ${workspaceName} (${code}: ${chain.join(' › ') || (rest.message ?? '')}). Reading it needs the Log Analytics Reader role on the workspace.`, code, status);
    case 404:
      return new LogAnalyticsProblem(`Log Analytics has no workspace ${workspaceName} (${code}). It may have been deleted, or it is in another cloud.`, code, status);
    case 429:
      return new LogAnalyticsProblem(
        `Log Analytics throttled the query (${code}) and was still throttling after ${throttlingRetries} retries; it allows ${logAnalyticsLimits.requestsPer30Seconds} queries per 30 seconds per user. Wait a minute and run it again.`,
        code,
        status,
      );
    case 504:
      return new LogAnalyticsProblem(`The query did not finish within Log Analytics' limit of ${logAnalyticsLimits.serverTimeoutSeconds / 60} minutes (${code}). Narrow the time range or summarize more.`, code, status);
    default:
      return new LogAnalyticsProblem(`The query to workspace ${workspaceName} failed${status ? ` (${status} ${code})` : ''}: ${chain.join(' › ') || (rest.message ?? String(error))}`, code, status);
  }
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) {
    return work;
  }
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      const error = new Error('The query was cancelled.');
      error.name = 'AbortError';
      reject(error);
    };
    if (signal.aborted) {
      abort();
      return;
    }
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** Runs queries against Log Analytics workspaces of one cloud with one credential. */
export class LogAnalyticsQueries {
  private readonly client: LogsQueryClient;

  constructor(access: LogAnalyticsAccess & { scope: string }) {
    this.client = new LogsQueryClient(access.credential, {
      endpoint: `${access.endpoint.replace(/\/+$/, '')}/v1`,
      credentials: { scopes: [access.scope] },
      retryOptions: { maxRetries: throttlingRetries },
      ...(access.caPem === undefined ? {} : { tlsOptions: { ca: access.caPem } }),
    });
  }

  /**
   * Runs `query` in the workspace (its `customerId`) over `timespan` (ISO 8601 duration, e.g.
   * `P1D`). Throws `LogAnalyticsProblem` in words, or the SDK's abort error when `signal` aborts.
   */
  async query(workspaceId: string, workspaceName: string, query: string, timespan: string, signal?: AbortSignal): Promise<TrafficQueryResult> {
    let result;
    try {
      // @azure/monitor-query-logs 1.0.0 passes only `Prefer` and `requestOptions` on from the
      // options (convertToInternalOptions), so an abort signal never reaches the request: a cancel
      // stops the wait here, and the answer, when it comes, is dropped.
      result = await untilAborted(this.client.queryWorkspace(workspaceId, query, { duration: timespan }, { serverTimeoutInSeconds: logAnalyticsLimits.serverTimeoutSeconds }), signal);
    } catch (error) {
      if (isCancellation(error) || signal?.aborted) {
        throw error;
      }
      throw describeQueryFailure(error, workspaceName);
    }
    const tables = result.status === LogsQueryResultStatus.Success ? result.tables : result.partialTables;
    const table = tables[0];
    const columns = (table?.columnDescriptors ?? []).map((column) => ({ name: column.name ?? '', type: column.type ?? 'string' }));
    const rows = (table?.rows ?? []).map((row) => row.map(cell));
    if (result.status === LogsQueryResultStatus.Success) {
      return { columns, rows };
    }
    const bytes = rows.reduce((sum, row) => sum + JSON.stringify(row).length, 0);
    return { columns, rows, partial: describePartialResult(result.partialError, rows.length, bytes) };
  }
}
