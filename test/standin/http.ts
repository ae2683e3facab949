import type { ApiFamily } from './apiVersions';
import type { TokenClaims } from './auth';
import type { Faults } from './faults';
import type { Operation, OperationTracker } from './operations';
import type { ArmState, JsonObject } from './state';

export type HttpMethod = 'GET' | 'PUT' | 'DELETE' | 'POST' | 'PATCH';

/** What every route can reach: the state, settings and long-running operations. */
export interface StandInCore {
  state: ArmState;
  faults: Faults;
  operations: OperationTracker;
  /** `https://127.0.0.1:port`, used to build nextLink and polling URLs. */
  baseUrl: string;
  pageSize: number;
  /** When set, long-running responses carry `Retry-After` (ARM sends 10; clients then wait that long). */
  lroRetryAfterSeconds?: number;
  /** Where stopped packet captures upload their `.cap` file (Azurite); absent, no file is written. */
  captureStorage?: CaptureStorage;
  /** The long-running operation holding each virtual network (lower-cased id) while it runs. */
  busy: Map<string, Operation>;
}

/** Writes a blob into a storage account the stand-in knows; answers the blob's URL. */
export interface CaptureStorage {
  write(storageAccountId: string, container: string, blobName: string, data: Buffer): Promise<string>;
}

export interface RequestContext {
  core: StandInCore;
  method: HttpMethod;
  /** The path as sent (percent-decoded), without the query. */
  path: string;
  query: URLSearchParams;
  /** Values of the `{name}` parts of the route template, as sent. */
  params: Record<string, string>;
  body: JsonObject;
  apiVersion: string;
  claims: TokenClaims;
  /** Request headers (lower-case names), e.g. `x-ms-authorization-auxiliary` for cross-tenant writes. */
  headers?: Record<string, string | string[] | undefined>;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: HttpMethod;
  /** e.g. `/subscriptions/{subscriptionId}/providers/Microsoft.Network/virtualNetworks`; literals match case-insensitively. */
  template: string;
  family: ApiFamily;
  /** The resource type named in api-version errors, e.g. `virtualNetworks`. */
  resourceType: string;
  /** Resource provider namespace that must be registered for the subscription, if any. */
  namespace?: string;
  handle(context: RequestContext): Reply;
}

interface CompiledRoute {
  route: Route;
  parts: Array<{ literal: string } | { param: string }>;
  literalCount: number;
}

/** Matches paths against route templates; literal segments win over parameters. */
export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(routes: Route[]): void {
    for (const route of routes) {
      const parts = route.template.split('/').filter(Boolean).map((part) => {
        const param = /^\{(\w+)\}$/.exec(part);
        return param ? { param: param[1] } : { literal: part.toLowerCase() };
      });
      this.routes.push({ route, parts, literalCount: parts.filter((part) => 'literal' in part).length });
    }
    this.routes.sort((a, b) => b.literalCount - a.literalCount);
  }

  /** The matching route, or `methodMismatch` when the path exists under another method. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | { methodMismatch: true } | undefined {
    const segments = path.split('/').filter(Boolean);
    let methodMismatch = false;
    for (const compiled of this.routes) {
      if (compiled.parts.length !== segments.length) {
        continue;
      }
      const params: Record<string, string> = {};
      let ok = true;
      for (let index = 0; index < segments.length && ok; index += 1) {
        const part = compiled.parts[index];
        if ('literal' in part) {
          ok = part.literal === segments[index].toLowerCase();
        } else {
          params[part.param] = segments[index];
        }
      }
      if (!ok) {
        continue;
      }
      if (compiled.route.method !== method) {
        methodMismatch = true;
        continue;
      }
      return { route: compiled.route, params };
    }
    return methodMismatch ? { methodMismatch: true } : undefined;
  }

  templates(): string[] {
    return this.routes.map((compiled) => `${compiled.route.method} ${compiled.route.template}`);
  }
}
