import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { checkApiVersion } from './apiVersions';
import { ArmError, missingSubscriptionRegistration, subscriptionNotFound } from './armErrors';
import { authenticate, expiredToken } from './auth';
import { createCertificates, sharedCertificates } from './certs';
import { Faults } from './faults';
import type { CaptureStorage, HttpMethod, Reply, RequestContext, Route, StandInCore } from './http';
import { Router } from './http';
import { OperationTracker } from './operations';
import { checkPreconditions } from './preconditions';
import { contractFor } from './contract/contracts';
import { checkedReply, rejectInvalidBody } from './contract/enforce';
import { flowLogRoutes } from './routes/flowLogs';
import { loadBalancerRoutes } from './routes/loadBalancers';
import { networkInterfaceRoutes } from './routes/networkInterfaces';
import { networkInterfaceWriteRoutes } from './routes/networkInterfaceWrites';
import { networkSecurityGroupWriteRoutes } from './routes/networkSecurityGroupWrites';
import { networkOperationRoutes } from './routes/networkOperations';
import { networkSecurityGroupRoutes } from './routes/networkSecurityGroups';
import { networkWatcherRoutes } from './routes/networkWatchers';
import { packetCaptureRoutes } from './routes/packetCaptures';
import { resourceGraphRoutes } from './routes/resourceGraph';
import { resourceRoutes } from './routes/resources';
import { roleAssignmentRoutes } from './routes/roleAssignments';
import { securityRuleRoutes } from './routes/securityRules';
import { storageAccountRoutes } from './routes/storageAccounts';
import { subnetRoutes } from './routes/subnets';
import { tapConfigurationRoutes } from './routes/tapConfigurations';
import { virtualNetworkPeeringRoutes } from './routes/virtualNetworkPeerings';
import { availabilitySetRoutes } from './routes/availabilitySets';
import { computeOfferRoutes } from './routes/computeOffers';
import { virtualMachineCreateRoutes } from './routes/virtualMachineCreate';
import { virtualMachineRoutes } from './routes/virtualMachines';
import { virtualNetworkRoutes } from './routes/virtualNetworks';
import { virtualNetworkTapRoutes } from './routes/virtualNetworkTaps';
import { virtualWanRoutes } from './routes/virtualWans';
import { virtualMachineImageRoutes } from './routes/virtualMachineImages';
import { workspaceRoutes } from './routes/workspaces';
import { ArmState, type JsonObject } from './state';
import { remainingHeader, requestKind } from './writeLimits';
import { seedTopology, type Topology } from './topology';

export interface StandInOptions {
  topology: Topology;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Added to every request before it is answered. */
  latencyMs?: number;
  /** Items per list page before a `nextLink` (default 50). */
  pageSize?: number;
  /** `InProgress` answers before a long-running operation ends (default 1). */
  lroPollsBeforeDone?: number;
  /** A long-running operation nobody polls ends after this many ms (default 4000, so a client polling every 2 s sees InProgress first). */
  lroCompleteAfterMs?: number;
  /** Send `Retry-After` on long-running responses (ARM sends 10); off by default so tests poll fast. */
  lroRetryAfterSeconds?: number;
  /** A CA and server certificate of its own instead of the one the process shares. */
  ownCertificates?: boolean;
}

/** Requests answered, per route template (`GET /subscriptions/{subscriptionId}/…`), and api-versions seen. */
export class RequestLog {
  private readonly counts = new Map<string, number>();
  readonly apiVersions = new Map<string, Set<string>>();
  total = 0;

  record(route: string, apiVersion: string | null): void {
    this.total += 1;
    this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
    if (apiVersion) {
      const seen = this.apiVersions.get(route) ?? new Set<string>();
      seen.add(apiVersion);
      this.apiVersions.set(route, seen);
    }
  }

  count(route: string): number {
    return this.counts.get(route) ?? 0;
  }

  /** Sum over routes whose key contains `fragment` (case-insensitive). */
  countMatching(fragment: string): number {
    let sum = 0;
    for (const [route, count] of this.counts) {
      if (route.toLowerCase().includes(fragment.toLowerCase())) {
        sum += count;
      }
    }
    return sum;
  }

  byRoute(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort((a, b) => b[1] - a[1]));
  }

  reset(): void {
    this.counts.clear();
    this.apiVersions.clear();
    this.total = 0;
  }
}

export interface StandIn {
  /** `https://127.0.0.1:<port>`: pass as the SDK client's `endpoint`. */
  url: string;
  caPem: string;
  caPath: string;
  state: ArmState;
  faults: Faults;
  requests: RequestLog;
  operations: OperationTracker;
  /** Lets stopped packet captures write their `.cap` blob (see startFlowLogAzurite). */
  useCaptureStorage(storage: CaptureStorage): void;
  close(): Promise<void>;
}

/** Every route the stand-in answers, in the order the server adds them (the plan contract test matches actions against them). */
export function standInRoutes(): Route[] {
  return [
    ...resourceRoutes,
    ...resourceGraphRoutes,
    ...virtualNetworkRoutes,
    ...subnetRoutes,
    ...virtualNetworkPeeringRoutes,
    ...networkInterfaceRoutes,
    ...networkInterfaceWriteRoutes,
    ...networkSecurityGroupWriteRoutes,
    ...tapConfigurationRoutes,
    ...networkSecurityGroupRoutes,
    ...securityRuleRoutes,
    ...networkWatcherRoutes,
    ...flowLogRoutes,
    ...packetCaptureRoutes,
    ...virtualNetworkTapRoutes,
    ...virtualWanRoutes,
    ...loadBalancerRoutes,
    ...storageAccountRoutes,
    ...workspaceRoutes,
    ...virtualMachineRoutes,
    ...computeOfferRoutes,
    ...virtualMachineImageRoutes,
    ...availabilitySetRoutes,
    ...roleAssignmentRoutes,
    ...virtualMachineCreateRoutes,
    ...networkOperationRoutes,
  ];
}

const controlPrefix = '/_standin';

/** Starts the HTTPS stand-in for Azure Resource Manager on 127.0.0.1, seeded from `topology`. */
export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const certificates = options.ownCertificates ? createCertificates() : sharedCertificates();
  const state = new ArmState();
  seedTopology(state, options.topology);
  const faults = new Faults();
  faults.setLatency(options.latencyMs ?? 0);
  const operations = new OperationTracker({ pollsBeforeDone: options.lroPollsBeforeDone ?? 1, completeAfterMs: options.lroCompleteAfterMs ?? 4000 });
  const requests = new RequestLog();
  const router = new Router();
  router.add(standInRoutes());
  const core: StandInCore = {
    state,
    faults,
    operations,
    baseUrl: '',
    pageSize: options.pageSize ?? 50,
    lroRetryAfterSeconds: options.lroRetryAfterSeconds,
    busy: new Map(),
  };

  const server: Server = createServer({ key: certificates.keyPem, cert: certificates.certPem }, (request, response) => {
    void handle(request, response);
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const correlationId = headerValue(request, 'x-ms-correlation-request-id') ?? randomUUID();
    const headers: Record<string, string> = {
      'x-ms-request-id': requestId,
      'x-ms-correlation-request-id': correlationId,
      'x-ms-routing-request-id': `LOCAL:${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}Z:${requestId}`,
      'Cache-Control': 'no-cache',
    };
    let reply: Reply;
    try {
      const rawBody = await readBody(request);
      if (faults.latencyMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
      }
      const url = new URL(request.url ?? '/', core.baseUrl);
      const path = decodeURIComponent(url.pathname);
      reply = path.startsWith(controlPrefix) ? control(request.method ?? 'GET', path, rawBody) : answer(request, path, url.searchParams, rawBody);
    } catch (error) {
      reply = errorReply(error);
    }
    const body = reply.body === undefined ? undefined : JSON.stringify(reply.body);
    response.writeHead(reply.status, {
      ...headers,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
      ...(reply.headers ?? {}),
    });
    response.end(body);
  }

  function answer(request: IncomingMessage, path: string, query: URLSearchParams, rawBody: string): Reply {
    const method = (request.method ?? 'GET').toUpperCase();
    const matched = router.match(method, path);
    const routeKey = matched && 'route' in matched ? `${method} ${matched.route.template}` : `${method} (unmatched)`;
    requests.record(routeKey, query.get('api-version'));
    if (faults.take('expiredToken', method, path)) {
      throw expiredToken(Date.now() - 60_000);
    }
    const claims = authenticate(headerValue(request, 'authorization'));
    const throttled = faults.take('throttle', method, path);
    if (throttled) {
      const retryHeaders: Record<string, string> = throttled.retryAfterMs !== undefined
        ? { 'x-ms-retry-after-ms': String(throttled.retryAfterMs) }
        : { 'Retry-After': String(throttled.retryAfterSeconds ?? 1) };
      const kind = method === 'GET' ? 'read' : method === 'DELETE' ? 'delete' : 'write';
      const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1] ?? '';
      throw new ArmError(429, 'SubscriptionRequestsThrottled', `Number of '${kind}' requests for subscription '${subscriptionId}' actor '${claims.oid}' exceeded. Please try again after '${retryHeaders['Retry-After'] ?? Math.ceil((throttled.retryAfterMs ?? 0) / 1000)}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`, { headers: retryHeaders });
    }
    const limited = throttleByLimits(method, path, claims.oid);
    if (faults.take('forbidden', method, path)) {
      const segments = (/\/providers\/(.+)$/i.exec(path)?.[1] ?? '').split('/');
      const resourceType = segments.length > 1 ? [segments[0], ...segments.slice(1).filter((_, index) => index % 2 === 0)].join('/') : 'Microsoft.Resources/subscriptions';
      const action = `${resourceType}/${method === 'GET' ? 'read' : method === 'DELETE' ? 'delete' : 'write'}`;
      throw new ArmError(403, 'AuthorizationFailed', `The client '${claims.oid}' with object id '${claims.oid}' does not have authorization to perform action '${action}' over scope '${path}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
    }
    const failing = faults.take('serverError', method, path);
    if (failing) {
      const status = failing.status ?? 500;
      throw status === 503
        ? new ArmError(503, 'ServiceUnavailable', 'The service is currently unavailable. Please try again later.')
        : new ArmError(status, 'InternalServerError', `Encountered internal server error. Diagnostic information: timestamp '${new Date().toISOString()}', subscription id '', tracking id '${randomUUID()}', request correlation id '${randomUUID()}'.`);
    }
    if (!matched) {
      return noRoute(method, path);
    }
    if ('methodMismatch' in matched) {
      throw new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
    }
    const { route, params } = matched;
    if (params.subscriptionId !== undefined) {
      const subscription = state.subscription(params.subscriptionId);
      if (!subscription) {
        throw subscriptionNotFound(params.subscriptionId);
      }
      if (subscription.tenantId.toLowerCase() !== claims.tid.toLowerCase()) {
        throw new ArmError(
          401,
          'InvalidAuthenticationTokenTenant',
          `The access token is from the wrong issuer 'https://sts.windows.net/${claims.tid}/'. It must match the tenant 'https://sts.windows.net/${subscription.tenantId}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${subscription.tenantId}' to get the token.`,
        );
      }
    }
    const groupLocation = params.resourceGroupName !== undefined ? state.resourceGroup(params.subscriptionId, params.resourceGroupName)?.location : undefined;
    const apiVersion = checkApiVersion(route.family, query.get('api-version'), route.resourceType, groupLocation ?? 'global');
    if (route.namespace && params.subscriptionId !== undefined) {
      const subscription = state.subscription(params.subscriptionId);
      if (subscription && !subscription.registeredProviders.has(route.namespace.toLowerCase())) {
        throw missingSubscriptionRegistration(route.namespace);
      }
    }
    let body: JsonObject = {};
    if (rawBody.trim() !== '') {
      try {
        const parsed = JSON.parse(rawBody) as unknown;
        body = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as JsonObject) : {};
      } catch (error) {
        throw new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${(error as Error).message}'.`);
      }
    }
    const contract = contractFor(route.family, apiVersion, method, route.template);
    if (contract?.request && rawBody.trim() !== '') {
      rejectInvalidBody(route.family, body, contract.request);
    }
    if (route.family === 'network' && (method === 'PUT' || method === 'DELETE') && params.resourceGroupName !== undefined && state.resourceGroup(params.subscriptionId, params.resourceGroupName)) {
      checkPreconditions(state, path, request.headers);
    }
    const context: RequestContext = { core, method: method as HttpMethod, path, query, params, body, apiVersion, claims, headers: request.headers };
    const reply = checkedReply(route.handle(context), contract, `${method} ${route.template}`);
    return limited ? { ...reply, headers: { ...limited, ...(reply.headers ?? {}) } } : reply;
  }

  /** The random-throttle fault and ARM's write/delete buckets: throws the 429, or answers the remaining-tokens header. */
  function throttleByLimits(method: string, path: string, oid: string): Record<string, string> | undefined {
    const kind = requestKind(method);
    const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
    const throttledAnswer = (retryAfterSeconds: number, headers: Record<string, string>): ArmError =>
      new ArmError(429, 'SubscriptionRequestsThrottled', `Number of '${kind}' requests for subscription '${subscriptionId ?? ''}' actor '${oid}' exceeded. Please try again after '${retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`, {
        headers: { 'Retry-After': String(retryAfterSeconds), ...headers },
      });
    const random = faults.takeRandomThrottle(method, path);
    if (random) {
      throw throttledAnswer(random.retryAfterSeconds, {});
    }
    if (kind === 'read' || subscriptionId === undefined) {
      return undefined;
    }
    const limit = faults.writeLimits.take(subscriptionId, kind);
    if (!limit) {
      return undefined;
    }
    if (!limit.allowed) {
      throw throttledAnswer(limit.retryAfterSeconds, { [remainingHeader(kind)]: '0' });
    }
    return { [remainingHeader(kind)]: String(limit.remaining) };
  }

  function control(method: string, path: string, rawBody: string): Reply {
    const route = path.slice(controlPrefix.length);
    if (route === '/faults' && method === 'GET') {
      return { status: 200, body: faults.describe() };
    }
    if (route === '/faults' && method === 'POST') {
      try {
        const input = rawBody.trim() === '' ? {} : (JSON.parse(rawBody) as unknown);
        for (const item of Array.isArray(input) ? input : [input]) {
          faults.addFromJson(item);
        }
      } catch (error) {
        return { status: 400, body: { error: { code: 'InvalidFault', message: (error as Error).message } } };
      }
      return { status: 200, body: faults.describe() };
    }
    if (route === '/faults' && method === 'DELETE') {
      faults.reset();
      return { status: 200, body: faults.describe() };
    }
    if (route === '/requests' && method === 'GET') {
      return { status: 200, body: { total: requests.total, byRoute: requests.byRoute() } };
    }
    if (route === '/requests' && method === 'DELETE') {
      requests.reset();
      return { status: 200, body: { total: 0, byRoute: {} } };
    }
    if (route === '/settings' && method === 'POST') {
      // `{ "pageSize": N }`: items per list page from now on (absent: back to the start value).
      let input: { pageSize?: unknown };
      try {
        input = (rawBody.trim() === '' ? {} : JSON.parse(rawBody)) as { pageSize?: unknown };
      } catch (error) {
        return { status: 400, body: { error: { code: 'InvalidSettings', message: (error as Error).message } } };
      }
      const size = input.pageSize ?? options.pageSize ?? 50;
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
        return { status: 400, body: { error: { code: 'InvalidSettings', message: `pageSize must be a whole number of at least 1, got ${JSON.stringify(size)}.` } } };
      }
      core.pageSize = size;
      return { status: 200, body: { pageSize: core.pageSize } };
    }
    return { status: 404, body: { error: { code: 'NotFound', message: `Unknown control route ${method} ${path}. Use /_standin/faults (GET, POST, DELETE), /_standin/requests (GET, DELETE) or /_standin/settings (POST).` } } };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  core.baseUrl = `https://127.0.0.1:${port}`;

  return {
    url: core.baseUrl,
    caPem: certificates.caPem,
    caPath: certificates.caPath,
    state,
    faults,
    requests,
    operations,
    useCaptureStorage: (storage) => {
      core.captureStorage = storage;
    },
    close: async () => {
      operations.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      certificates.dispose();
    },
  };
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function noRoute(method: string, path: string): Reply {
  const provider = /\/providers\/([^/]+)\/([^/]+)/i.exec(path);
  if (provider) {
    return {
      status: 404,
      body: { error: { code: 'InvalidResourceType', message: `The resource type '${provider[2]}' could not be found in the namespace '${provider[1]}' for api version used by the stand-in (${method} ${path}).` } },
    };
  }
  return { status: 404, body: { error: { code: 'NotFound', message: `No route for ${method} ${path}.` } } };
}

function errorReply(error: unknown): Reply {
  if (error instanceof ArmError) {
    return { status: error.status, body: error.body(), headers: error.extra.headers };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { error: { code: 'InternalServerError', message: `The stand-in failed: ${message}` } } };
}
