/**
 * Flow logs in an Azure Storage account, on `@azure/storage-blob`: discovery by listing (never by
 * building paths: the documented layouts disagree), level-by-level browsing, and streaming
 * downloads with progress and cancel.
 *
 *   const storage = new FlowLogStorage({ blobEndpoint: account.primaryEndpoints.blob, accountName,
 *     auth: { kind: 'token', credential } });                       // Storage Blob Data Reader
 *   const targets = await storage.listTargets(vnetFlowLogContainer, signal);      // NSGs / flow logs
 *   const days = await storage.listDays(container, targets[0].prefix, signal);    // newest first
 *   const day = await storage.listDay(container, days[0].prefix, signal);         // hours › MACs › blobs
 *   await storage.downloadToFile(container, blob.name, tempPath, { onProgress, signal });
 *   await storage.downloadTimeRange(container, blobs, tempPath, { onProgress, signal }); // one decodable file
 *
 * Costs: `listFlowLogBlobs` is one hierarchical listing (`/` delimiter) of one prefix; a tree level
 * lists only the prefixes under the node being expanded (target discovery walks the few path
 * segments before `y=`), and a day is one flat listing of that day's blobs. Nothing lists a whole
 * container.
 *
 * A time range becomes one file: the blobs are written one after the other, each a whole
 * `{"records":[…]}`, which `decodeFlowLogFile` reads as consecutive record lists.
 *
 * Failures are `StorageProblemError` (storageProblem.ts): a 403 with a token names the missing
 * role and sets `canUseAccountKey`; the caller may then fetch the key (storageKeys.ts) with the
 * user's consent and build a new `FlowLogStorage` with `{ kind: 'key' }`. A cancel rejects with an
 * `AbortError` and leaves no file behind.
 */
import type { TokenCredential } from '@azure/core-auth';
import { BlobServiceClient, StorageSharedKeyCredential, newPipeline, type ContainerClient } from '@azure/storage-blob';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Agent } from 'node:https';
import { once, type EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import {
  classifyPrefix,
  dayOfPrefix,
  groupFlowLogBlobs,
  parseTarget,
  type DayGroup,
  type FlowLogBlob,
  type FlowLogKind,
  type ListedBlob,
} from '../core/blobPath';
import { isStorageCancellation, toStorageProblem, type StorageCallContext } from './storageProblem';

export type StorageAuth =
  /** The signed-in user's token; asked for `https://storage.azure.com/.default`. */
  | { kind: 'token'; credential: TokenCredential }
  | { kind: 'key'; accountKey: string };

export interface FlowLogStorageOptions {
  /** The account's blob endpoint: `https://{account}.blob.core.windows.net/` (or `https://127.0.0.1:10000/{account}` for Azurite). */
  blobEndpoint: string;
  /** The storage account's name (needed for the shared key; used in messages). */
  accountName: string;
  auth: StorageAuth;
  /** Extra CA to trust (a local emulator over HTTPS); real Azure needs none. */
  ca?: string;
  /** Listing parallelism while walking prefixes (default 4). */
  listConcurrency?: number;
  /** Storage retry options; tests shorten the delays. */
  retry?: { maxTries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

/** One hierarchical listing: sub-prefixes (each ends with `/`) and blobs directly under the prefix. */
export interface BlobLevel {
  prefixes: string[];
  blobs: ListedBlob[];
}

/** A flow-log target found by listing (an NSG or a VNet flow log). */
export interface DiscoveredTarget {
  kind: FlowLogKind;
  /** Listing prefix ending with `/`, e.g. `resourceId=/SUBSCRIPTIONS/…/NETWORKSECURITYGROUPS/NSG-PROD-WEB/`. */
  prefix: string;
  /** NSG name or flow-log name as written in the path. */
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  region?: string;
  /** NSG resource id or `flowLogResourceID` part, as written in the path. */
  pathId: string;
}

/** A day that holds flow logs for a target. */
export interface DiscoveredDay {
  /** `…/y=2024/m=03/d=01/` */
  prefix: string;
  /** Midnight UTC. */
  day: Date;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Bytes written so far and the total (the blob's length, or the range's sum). */
  onProgress?(bytes: number, totalBytes: number): void;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  /** Blobs written (1 for `downloadToFile`). */
  blobs: number;
}

export class FlowLogStorage {
  readonly accountName: string;
  private readonly service: BlobServiceClient;
  private readonly authKind: 'token' | 'key';
  private readonly listConcurrency: number;

  constructor(options: FlowLogStorageOptions) {
    this.accountName = options.accountName;
    this.authKind = options.auth.kind;
    this.listConcurrency = Math.max(1, options.listConcurrency ?? 4);
    const credential = options.auth.kind === 'key' ? new StorageSharedKeyCredential(options.accountName, options.auth.accountKey) : options.auth.credential;
    const storagePipeline = newPipeline(credential, {
      retryOptions: { maxTries: options.retry?.maxTries ?? 4, retryDelayInMs: options.retry?.retryDelayInMs ?? 800, maxRetryDelayInMs: options.retry?.maxRetryDelayInMs ?? 30000 },
      ...(options.auth.kind === 'token' ? { audience: 'https://storage.azure.com/.default' } : {}),
    });
    if (options.ca !== undefined) {
      const agent = new Agent({ ca: options.ca, keepAlive: true });
      // A request-policy factory (the form storage-blob's Pipeline takes) that sends every request through an agent trusting the extra CA.
      storagePipeline.factories.push({
        create: (next) => ({
          sendRequest: (request) => {
            request.agent = agent;
            return next.sendRequest(request);
          },
        }),
      });
    }
    this.service = new BlobServiceClient(options.blobEndpoint.replace(/\/+$/, ''), storagePipeline);
  }

  private container(name: string): ContainerClient {
    return this.service.getContainerClient(name);
  }

  private fail(error: unknown, context: Omit<StorageCallContext, 'accountName' | 'auth'>): never {
    throw toStorageProblem(error, { ...context, accountName: this.accountName, auth: this.authKind });
  }

  /** One hierarchical listing (`/` delimiter) of `prefix` (default: the container's top level), all pages. */
  async listFlowLogBlobs(container: string, prefix: string | undefined, signal?: AbortSignal): Promise<BlobLevel> {
    const level: BlobLevel = { prefixes: [], blobs: [] };
    try {
      const items = this.container(container).listBlobsByHierarchy('/', { ...(prefix ? { prefix } : {}), ...(signal ? { abortSignal: signal } : {}) });
      for await (const item of items) {
        if (item.kind === 'prefix') {
          level.prefixes.push(item.name);
        } else {
          level.blobs.push(listed(item.name, item.properties.contentLength, item.properties.lastModified));
        }
      }
    } catch (error) {
      this.fail(error, { action: `list flow logs in ${container}`, container });
    }
    return level;
  }

  /** Every blob under `prefix`, without a delimiter: for one day or one hour, never a whole container. */
  async listBlobsUnder(container: string, prefix: string, signal?: AbortSignal): Promise<ListedBlob[]> {
    if (prefix === '') {
      throw new Error('listBlobsUnder needs a prefix: listing a whole flow-log container can take millions of blobs.');
    }
    const blobs: ListedBlob[] = [];
    try {
      for await (const item of this.container(container).listBlobsFlat({ prefix, ...(signal ? { abortSignal: signal } : {}) })) {
        blobs.push(listed(item.name, item.properties.contentLength, item.properties.lastModified));
      }
    } catch (error) {
      this.fail(error, { action: `list flow logs in ${container}`, container });
    }
    return blobs;
  }

  /**
   * The targets (NSGs or VNet flow logs) with logs in the container, found by walking the path
   * segments before `y=` one listing per prefix. Prefixes that lead to no flow-log layout are
   * not descended beyond the depth of a flow-log path.
   */
  async listTargets(container: string, signal?: AbortSignal): Promise<DiscoveredTarget[]> {
    const found = new Map<string, DiscoveredTarget>();
    let frontier: (string | undefined)[] = [undefined];
    // An NSG target prefix has 9 segments (`resourceId=`, `SUBSCRIPTIONS`, sub, …, NSG name).
    for (let depth = 0; depth < 12 && frontier.length > 0; depth++) {
      const levels = await this.mapBounded(frontier, (prefix) => this.listFlowLogBlobs(container, prefix, signal));
      const next: string[] = [];
      frontier.forEach((prefix, index) => {
        const level = levels[index];
        if (prefix !== undefined && level.prefixes.some((child) => classifyPrefix(child) === 'year')) {
          const target = parseTarget(prefix);
          if (target.ok && !found.has(prefix.toLowerCase())) {
            const fields = target.fields;
            found.set(prefix.toLowerCase(), {
              kind: target.kind,
              prefix,
              name: fields.targetName,
              subscriptionId: fields.subscriptionId,
              resourceGroup: fields.resourceGroup,
              ...(fields.region === undefined ? {} : { region: fields.region }),
              pathId: fields.resourceId ?? fields.flowLogResourceId ?? '',
            });
          }
          return;
        }
        next.push(...level.prefixes.filter((child) => classifyPrefix(child) === 'other'));
      });
      frontier = next;
    }
    return [...found.values()].sort((a, b) => a.name.localeCompare(b.name) || a.prefix.localeCompare(b.prefix));
  }

  /** Days with logs under a target prefix, newest first: lists `y=` then `m=` then `d=` prefixes. */
  async listDays(container: string, targetPrefix: string, signal?: AbortSignal): Promise<DiscoveredDay[]> {
    const years = (await this.listFlowLogBlobs(container, targetPrefix, signal)).prefixes.filter((prefix) => classifyPrefix(prefix) === 'year');
    const months = (await this.mapBounded(years, (year) => this.listFlowLogBlobs(container, year, signal))).flatMap((level) => level.prefixes.filter((prefix) => classifyPrefix(prefix) === 'month'));
    const days = (await this.mapBounded(months, (month) => this.listFlowLogBlobs(container, month, signal))).flatMap((level) => level.prefixes.filter((prefix) => classifyPrefix(prefix) === 'day'));
    const result: DiscoveredDay[] = [];
    for (const prefix of days) {
      const day = dayOfPrefix(prefix);
      if (day) {
        result.push({ prefix, day });
      }
    }
    return result.sort((a, b) => b.day.getTime() - a.day.getTime());
  }

  /** One day's blobs (one flat listing of the day prefix), grouped into hours (newest first) › MACs › blobs. */
  async listDay(container: string, dayPrefix: string, signal?: AbortSignal): Promise<DayGroup | undefined> {
    const blobs = await this.listBlobsUnder(container, dayPrefix, signal);
    return groupFlowLogBlobs(blobs, container).targets[0]?.days[0];
  }

  /**
   * The blobs of a target whose hour starts in `[from, to)`, oldest first, optionally for some
   * MACs only. Lists the target's days, then each day in range.
   */
  async listTimeRange(container: string, targetPrefix: string, from: Date, to: Date, options: { macs?: string[]; signal?: AbortSignal } = {}): Promise<FlowLogBlob[]> {
    const dayMs = 24 * 3600 * 1000;
    const days = (await this.listDays(container, targetPrefix, options.signal)).filter((day) => day.day.getTime() + dayMs > from.getTime() && day.day.getTime() < to.getTime());
    const groups = await this.mapBounded(days, (day) => this.listDay(container, day.prefix, options.signal));
    const wanted = options.macs?.map((mac) => mac.replace(/[-:]/g, '').toUpperCase());
    const blobs: FlowLogBlob[] = [];
    for (const group of groups) {
      for (const hour of group?.hours ?? []) {
        if (hour.time.getTime() < from.getTime() || hour.time.getTime() >= to.getTime()) {
          continue;
        }
        for (const mac of hour.macs) {
          if (!wanted || (mac.mac !== undefined && wanted.includes(mac.mac))) {
            blobs.push(...mac.blobs);
          }
        }
      }
    }
    return blobs.sort((a, b) => a.path.time.getTime() - b.path.time.getTime() || (a.path.mac ?? '').localeCompare(b.path.mac ?? ''));
  }

  /**
   * Streams one blob to `path` (through a temporary file beside it, renamed at the end), never
   * holding it in memory. A cancel or failure removes the partial file.
   */
  async downloadToFile(container: string, blobName: string, path: string, options: DownloadOptions = {}): Promise<DownloadResult> {
    return this.downloadTimeRange(container, [{ name: blobName }], path, options);
  }

  /**
   * Streams several blobs, one after the other, into one file that `decodeFlowLogFile` reads as
   * consecutive `{"records":[…]}` lists (a newline between them). Sizes from the listing give the
   * progress total; without them it grows as each blob starts.
   */
  async downloadTimeRange(container: string, blobs: readonly ListedBlob[], path: string, options: DownloadOptions = {}): Promise<DownloadResult> {
    const signal = options.signal;
    signal?.throwIfAborted();
    if (blobs.length === 0) {
      throw new Error(`No flow-log blobs to open in ${container} for that time range: pick a range with logs.`);
    }
    const partial = `${path}.${randomBytes(4).toString('hex')}.partial`;
    let written = 0;
    let total = blobs.reduce((sum, blob) => sum + (blob.size ?? 0), 0);
    const out = createWriteStream(partial, { flags: 'wx' });
    // One listener for the whole file, so a write error (disk full) is caught rather than thrown from the stream.
    let writeError: Error | undefined;
    out.on('error', (error) => { writeError ??= error; });
    const context = { action: 'download a flow-log blob', container };
    try {
      for (let index = 0; index < blobs.length; index++) {
        const blob = blobs[index];
        let response;
        try {
          response = await this.container(container).getBlobClient(blob.name).download(0, undefined, {
            ...(signal ? { abortSignal: signal } : {}),
            maxRetryRequests: 3,
          });
        } catch (error) {
          this.fail(error, { ...context, blobName: blob.name });
        }
        const length = response.contentLength ?? 0;
        if (blob.size === undefined) {
          total += length;
        } else if (blob.size !== length) {
          // The blob grew since it was listed (Azure appends during the hour).
          total += length - blob.size;
        }
        const body = response.readableStreamBody;
        if (!body) {
          throw new Error(`The download of ${blob.name} returned no body.`);
        }
        try {
          await appendStream(body, out, signal, (bytes) => {
            written += bytes;
            options.onProgress?.(written, total);
          });
        } catch (error) {
          if (isStorageCancellation(error) || signal?.aborted) {
            throw signal?.reason instanceof Error && signal.reason.name === 'AbortError' ? signal.reason : abortError();
          }
          if (writeError !== undefined) {
            throw fileWriteError(writeError, path);
          }
          this.fail(error, { ...context, blobName: blob.name });
        }
        if (writeError !== undefined) {
          throw fileWriteError(writeError, path);
        }
        if (index < blobs.length - 1) {
          await writeText(out, '\n');
          written += 1;
          total += 1;
        }
      }
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
      signal?.throwIfAborted();
      await rename(partial, path);
      options.onProgress?.(written, Math.max(total, written));
      return { path, bytes: written, blobs: blobs.length };
    } catch (error) {
      // Remove the file only once the stream has closed it: a stream still opening it would create it after the rm.
      if (!out.closed) {
        await new Promise<void>((resolve) => {
          out.once('close', () => resolve());
          out.destroy();
        });
      }
      await rm(partial, { force: true });
      throw error;
    }
  }

  private async mapBounded<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<R[]> {
    const results = new Array<R>(items.length);
    let nextIndex = 0;
    const worker = async (): Promise<void> => {
      while (nextIndex < items.length) {
        const index = nextIndex++;
        results[index] = await run(items[index]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.listConcurrency, items.length) }, worker));
    return results;
  }
}

function listed(name: string, size: number | undefined, lastModified: Date | undefined): ListedBlob {
  return { name, ...(size === undefined ? {} : { size }), ...(lastModified === undefined ? {} : { lastModified }) };
}

/** A failed write to the download file is the disk's problem, not the storage account's: it says which file. */
function fileWriteError(error: Error, path: string): Error {
  const code = (error as { code?: string }).code;
  const what = code === 'ENOSPC' ? 'the disk is full. Free some space' : `${error.message.split('\n')[0]}. Check the disk`;
  return new Error(`Couldn't write the download to ${path}: ${what} and open it again.`, { cause: error });
}

function abortError(): Error {
  const error = new Error('The download was cancelled.');
  error.name = 'AbortError';
  return error;
}

/**
 * Copies `source` onto the end of `out` without ending it, waiting for 'drain' when `out` is full;
 * rejects with `out`'s error when writing to it failed.
 * One `pipeline(…, { end: false })` per blob would leave its error, close, finish and end
 * listeners on `out` each time (MaxListenersExceededWarning from the eleventh blob); here the only
 * listeners are the drain wait's and the abort's, both removed before the next blob.
 */
export async function appendStream(source: NodeJS.ReadableStream, out: NodeJS.WritableStream, signal: AbortSignal | undefined, onChunk: (bytes: number) => void): Promise<void> {
  // The body the SDK returns is a Node Readable, whose destroy ends the loop below with the error.
  const onAbort = (): void => { (source as Partial<Readable>).destroy?.(abortError()); };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    signal?.throwIfAborted();
    for await (const chunk of source) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      // A write that failed since the last chunk (disk full) destroyed the file: the next write
      // would return false and its 'drain' never come.
      const file = out as Partial<Writable>;
      if (file.destroyed === true) {
        throw file.errored ?? new Error('The download file was closed while the blob was being written.');
      }
      onChunk(buffer.length);
      if (!out.write(buffer)) {
        await once(out as unknown as EventEmitter, 'drain', signal ? { signal } : {});
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function writeText(out: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => out.write(text, (error?: Error | null) => (error ? reject(error) : resolve())));
}
