import type { ResourceGraphClient } from '@azure/arm-resourcegraph';

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

/**
 * Every row of `query` over one subscription. The first request tells the total; the other pages
 * are then asked for at once by `$skip`, which Resource Graph keeps stable when the query projects
 * `id`. Before asking, the user's query quota (`x-ms-user-quota-remaining`, 15 queries per 5 s by
 * default) must cover the pages still to fetch; otherwise, or on any refusal, this throws
 * `GraphUnavailable` rather than wait, since the caller has another way to list.
 */
export async function graphRows(client: ResourceGraphClient, subscriptionId: string, query: string, options: GraphRowsOptions = {}): Promise<Record<string, unknown>[]> {
  const pageSize = Math.min(options.pageSize ?? graphPageSize, graphPageSize);
  let quotaRemaining: number | undefined;
  const page = async (skip: number, top = pageSize): Promise<{ total: number; rows: Record<string, unknown>[] }> => {
    try {
      const response = await client.resources(
        { subscriptions: [subscriptionId], query, options: { top, skip, resultFormat: 'objectArray' } },
        {
          abortSignal: options.signal,
          onResponse: (raw) => {
            const remaining = Number.parseInt(raw.headers.get('x-ms-user-quota-remaining') ?? '', 10);
            quotaRemaining = Number.isNaN(remaining) ? quotaRemaining : remaining;
          },
        },
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
    }
  };
  const first = await page(0);
  const skips: number[] = [];
  for (let skip = first.rows.length; skip < first.total && first.rows.length > 0; skip += pageSize) {
    skips.push(skip);
  }
  if (quotaRemaining !== undefined && quotaRemaining < skips.length) {
    throw new GraphUnavailable(`Resource Graph's query quota has ${quotaRemaining} left, and ${skips.length} more pages are needed.`);
  }
  const rest = new Array<Record<string, unknown>[]>(skips.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < skips.length) {
      const index = next++;
      // Resource Graph may answer fewer rows than asked (it caps a response's size): ask again
      // for the rest of this page's range.
      const end = Math.min(skips[index] + pageSize, first.total);
      const rows: Record<string, unknown>[] = [];
      for (let at = skips[index]; at < end; ) {
        const answer = (await page(at, end - at)).rows;
        if (answer.length === 0) {
          break;
        }
        rows.push(...answer);
        at += answer.length;
      }
      rest[index] = rows;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, skips.length) }, worker));
  // Rows are keyed by id: one that moved between pages while they were read counts once.
  const byId = new Map<string, Record<string, unknown>>();
  for (const row of [first.rows, ...rest].flat()) {
    byId.set(String(row.id ?? '').toLowerCase(), row);
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
