import type { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { idKey } from './armIds';
import { mapBounded, sleep } from './bounded';

/** Azure Resource Graph's largest page (`$top`), documented as 1,000 rows. */
export const graphPageSize = 1000;

export interface GraphRowsOptions {
  signal?: AbortSignal;
  /** Rows per request, at most 1,000. */
  pageSize?: number;
  /** Pages requested at once after the first (default 4). */
  concurrency?: number;
}

/** Why Resource Graph did not give the whole list; the caller falls back to Resource Manager. */
export class GraphUnavailable extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'GraphUnavailable';
  }
}

/** The longest wait for Resource Graph's query quota to reset before listing another way. */
export const graphQuotaWaitMs = 10_000;

/**
 * The user's Resource Graph query quota as its answers report it (`x-ms-user-quota-remaining`, 15
 * queries per 5 s by default, and `x-ms-user-quota-resets-after`, hh:mm:ss), minus the queries
 * still under way. A query waits for the reset when none is left, up to `graphQuotaWaitMs`.
 */
class QuotaPacer {
  private remaining: number | undefined;
  private resetAt = 0;
  private inFlight = 0;

  constructor(private readonly signal: AbortSignal | undefined) {}

  observe(headers: { get(name: string): string | undefined }): void {
    const remaining = Number.parseInt(headers.get('x-ms-user-quota-remaining') ?? '', 10);
    if (!Number.isNaN(remaining)) {
      this.remaining = remaining;
    }
    const resets = /^(\d+):(\d{2}):(\d{2})/.exec(headers.get('x-ms-user-quota-resets-after') ?? '');
    if (resets !== null) {
      // Whole seconds: a second more, so that the quota has surely reset.
      this.resetAt = Date.now() + ((Number(resets[1]) * 60 + Number(resets[2])) * 60 + Number(resets[3]) + 1) * 1000;
    }
  }

  async acquire(): Promise<void> {
    while (this.remaining !== undefined && this.remaining - this.inFlight <= 0) {
      const wait = this.resetAt - Date.now();
      if (wait > graphQuotaWaitMs) {
        throw new GraphUnavailable(`Resource Graph's query quota is used up for ${Math.ceil(wait / 1000)} s more.`);
      }
      await sleep(wait, this.signal);
      // Unknown again until the next answer reports it.
      this.remaining = undefined;
    }
    this.inFlight += 1;
  }

  release(): void {
    this.inFlight -= 1;
  }
}

/**
 * Every row of `query` over one subscription. The first request tells the total; the other pages
 * are then asked for side by side by `$skip`, which Resource Graph keeps stable when the query
 * projects `id`, paced to the user's query quota (`QuotaPacer`). Any refusal, or a quota that
 * resets too late, throws `GraphUnavailable`: the caller has another way to list.
 */
export async function graphRows(client: ResourceGraphClient, subscriptionId: string, query: string, options: GraphRowsOptions = {}): Promise<Record<string, unknown>[]> {
  const pageSize = Math.min(options.pageSize ?? graphPageSize, graphPageSize);
  const quota = new QuotaPacer(options.signal);
  const page = async (skip: number, top = pageSize): Promise<{ total: number; rows: Record<string, unknown>[] }> => {
    await quota.acquire();
    try {
      const response = await client.resources(
        { subscriptions: [subscriptionId], query, options: { top, skip, resultFormat: 'objectArray' } },
        { abortSignal: options.signal, onResponse: (raw) => quota.observe(raw.headers) },
      );
      if (!Array.isArray(response.data)) {
        throw new GraphUnavailable('Resource Graph answered without an object array of rows.');
      }
      return { total: response.totalRecords, rows: response.data as Record<string, unknown>[] };
    } catch (error) {
      if (error instanceof GraphUnavailable || options.signal?.aborted) {
        throw error;
      }
      throw new GraphUnavailable(`Resource Graph refused the query: ${describe(error)}`, error);
    } finally {
      quota.release();
    }
  };
  const first = await page(0);
  const skips: number[] = [];
  for (let skip = first.rows.length; skip < first.total && first.rows.length > 0; skip += pageSize) {
    skips.push(skip);
  }
  // Resource Graph may answer fewer rows than asked (it caps a response's size): each page's range
  // is asked again for the rows it did not get.
  const rest = await mapBounded(skips, options.concurrency ?? 4, async (skip) => {
    const end = Math.min(skip + pageSize, first.total);
    const rows: Record<string, unknown>[] = [];
    for (let at = skip; at < end; ) {
      const answer = (await page(at, end - at)).rows;
      if (answer.length === 0) {
        break;
      }
      rows.push(...answer);
      at += answer.length;
    }
    return rows;
  });
  // Rows are keyed by id: one that moved between pages while they were read counts once.
  const byId = new Map<string, Record<string, unknown>>();
  for (const row of [first.rows, ...rest].flat()) {
    byId.set(idKey(String(row.id ?? '')), row);
  }
  return [...byId.values()];
}

function describe(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const { statusCode, code, message } = error as { statusCode?: number; code?: string; message?: string };
    return [statusCode, code, message?.split('\n')[0]].filter((part) => part !== undefined && part !== '').join(' ');
  }
  return String(error);
}
