import { NetworkManagementClient } from '@azure/arm-network';
import { ResourceManagementClient } from '@azure/arm-resources';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { StorageManagementClient } from '@azure/arm-storage';
import { request } from 'node:https';
import { createTestToken, TestCredential } from '../../standin/credential';
import type { StandIn } from '../../standin/server';

/** SDK options that point a client at the stand-in and keep retries fast. */
export function clientOptions(standIn: StandIn) {
  return {
    endpoint: standIn.url,
    tlsOptions: { ca: standIn.caPem },
    retryOptions: { retryDelayInMs: 5, maxRetryDelayInMs: 20 },
  };
}

export function sdkClients(standIn: StandIn, tenantId: string, subscriptionId: string) {
  const credential = new TestCredential({ tenantId });
  const options = clientOptions(standIn);
  return {
    credential,
    network: new NetworkManagementClient(credential, subscriptionId, options),
    resources: new ResourceManagementClient(credential, subscriptionId, options),
    subscriptions: new SubscriptionClient(credential, options),
    storage: new StorageManagementClient(credential, subscriptionId, options),
  };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const found: T[] = [];
  for await (const item of items) {
    found.push(item);
  }
  return found;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** A plain HTTPS call, for what the SDKs hide: exact status, headers and error bodies. */
export function rawRequest(
  standIn: StandIn,
  method: string,
  path: string,
  options: { tenantId?: string; token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const token = options.token === undefined ? createTestToken({ tenantId: options.tenantId ?? '' }).token : options.token;
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const url = new URL(path, standIn.url);
    const call = request(url, {
      method,
      ca: standIn.caPem,
      headers: {
        ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
        ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...options.headers,
      },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) });
      });
    });
    call.on('error', reject);
    call.end(payload);
  });
}

export function errorCode(response: RawResponse): string | undefined {
  const error = response.body.error as { code?: string } | undefined;
  return error?.code;
}
