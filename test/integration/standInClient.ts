import * as assert from 'node:assert/strict';
import { request } from 'node:https';
import * as vscode from 'vscode';
import { createTestToken } from '../standin/credential';
import { standInExtensionSettings } from '../standin/extensionSettings';
import { demoTenantId } from '../standin/topologies/demo';

/** The stand-in the runner started before VS Code (its CA is in NODE_EXTRA_CA_CERTS). */
export const standInUrl = process.env.TRAFFIC_LENS_STANDIN_URL ?? '';

/** The Log Analytics query stand-in the runner started beside it (empty when none). */
export const logAnalyticsUrl = process.env.TRAFFIC_LENS_LOGANALYTICS_URL ?? '';

/** The settings `signInToStandIn` sets: the ARM stand-in, and the Log Analytics one when the runner started it. */
function standInSettings(): Record<string, string> {
  return standInExtensionSettings(standInUrl, demoTenantId, logAnalyticsUrl === '' ? undefined : logAnalyticsUrl);
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** One HTTPS request to the stand-in (a full URL), JSON in and out. */
export function call(method: string, url: string, body?: unknown, token?: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(url, { method, headers: { ...(payload ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A token of the demo tenant. */
export function demoToken(): string {
  return createTestToken({ tenantId: demoTenantId }).token;
}

/** GET of an ARM id at an api-version, with a demo-tenant token. */
export function armGet(armId: string, apiVersion: string): Promise<HttpAnswer> {
  return call('GET', `${standInUrl}${armId}?api-version=${apiVersion}`, undefined, demoToken());
}

/**
 * Waits for a write the stand-in accepted: polls its Azure-AsyncOperation (or Location) URL until
 * the operation ends; a 2xx answer without either is already done.
 */
export async function waitForOperation(answer: HttpAnswer, token = demoToken()): Promise<void> {
  assert.ok(answer.status >= 200 && answer.status < 300, `ARM answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  const url = answer.headers['azure-asyncoperation'] ?? answer.headers.location;
  for (let poll = 0; url !== undefined && poll < 50; poll++) {
    const status = await call('GET', String(url), undefined, token);
    const state = (status.body as { status?: string } | undefined)?.status;
    if (state === 'Succeeded' || (state === undefined && status.status !== 202)) {
      return;
    }
    assert.notEqual(state, 'Failed', `the operation failed: ${JSON.stringify(status.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sets a fault (`POST /_standin/faults`), or clears them all without a body. */
export function faults(body?: unknown): Promise<HttpAnswer> {
  return call(body === undefined ? 'DELETE' : 'POST', `${standInUrl}/_standin/faults`, body);
}

/** Items per list page from now on (`POST /_standin/settings`); without a size, the stand-in's start value. */
export async function setPageSize(pageSize?: number): Promise<void> {
  const answer = await call('POST', `${standInUrl}/_standin/settings`, pageSize === undefined ? {} : { pageSize });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
}

/** The stand-in's request counts per route template (`PUT /subscriptions/{subscriptionId}/…`). */
export async function requestCounts(): Promise<Record<string, number>> {
  const answer = await call('GET', `${standInUrl}/_standin/requests`);
  return (answer.body as { byRoute: Record<string, number> }).byRoute;
}

/** The total of the counts whose key starts with `method ` (e.g. `PUT`). */
export function countOf(counts: Record<string, number>, method: string): number {
  return Object.entries(counts)
    .filter(([route, value]) => route.startsWith(`${method} `) && typeof value === 'number')
    .reduce((sum, [, value]) => sum + value, 0);
}

export async function setSettings(values: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration('trafficLens');
  for (const [name, value] of Object.entries(values)) {
    await config.update(name, value, vscode.ConfigurationTarget.Global);
  }
}

/** Points the extension at the stand-in with the test sign-in, and signs in. */
export async function signInToStandIn(): Promise<void> {
  if (standInUrl === '') {
    throw new Error('TRAFFIC_LENS_STANDIN_URL is not set: run this suite through test/vscode/runTests.js (npm test), which starts the stand-in first.');
  }
  await setSettings(standInSettings());
  assert.equal(await vscode.commands.executeCommand('trafficLens.signIn'), true);
}

/** Signs out and puts back the settings `signInToStandIn` changed. */
export async function signOutOfStandIn(): Promise<void> {
  await vscode.commands.executeCommand('trafficLens.signOut');
  await setSettings(Object.fromEntries(Object.keys(standInSettings()).map((name) => [name, undefined])));
}
