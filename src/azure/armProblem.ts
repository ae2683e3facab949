/** Every failure of an Azure call, mapped once. */
export interface ArmProblem {
  /** ARM's error code (`AuthorizationFailed`, `SubscriptionRequestsThrottled`), or ours for failures without one (`NetworkError`, `Cancelled`). */
  code: string;
  message: string;
  target?: string;
  status?: number;
  correlationId?: string;
  /** The request URL without its query string except `api-version` (a SAS token never reaches a log). */
  url?: string;
}

/** Response header that carries ARM's error body through SDK helpers that drop it (see armNetworkApi). */
export const errorDetailsHeader = 'x-traffic-lens-error-details';

interface RestErrorLike extends Error {
  code?: string;
  statusCode?: number;
  request?: { url?: string };
  response?: { status?: number; bodyAsText?: string | null; headers?: { get(name: string): string | undefined } };
}

const certificateCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'REQUEST_SEND_ERROR']);

/** True for an abort (a cancelled load), which is not an error to show. */
export function isCancellation(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR');
}

/**
 * Maps anything an Azure SDK call throws to an `ArmProblem`: a RestError (status, ARM code,
 * correlation id), a failed long-running operation (a plain Error:
 * `The long-running operation has failed. Conflict. Peering already exists.`), a network or TLS
 * failure, a credential failure, or a cancel.
 */
export function toArmProblem(error: unknown): ArmProblem {
  if (isArmProblem(error)) {
    return error;
  }
  if (isCancellation(error)) {
    return { code: 'Cancelled', message: 'The operation was cancelled.' };
  }
  if (!(error instanceof Error)) {
    return { code: 'UnknownError', message: String(error) };
  }
  const rest = error as RestErrorLike;
  const url = rest.request?.url ? redactUrl(rest.request.url) : undefined;
  const status = rest.statusCode ?? rest.response?.status;
  const cause = (error as { cause?: { code?: string } }).cause;
  const lowCode = rest.code ?? cause?.code;
  if (status === undefined && lowCode !== undefined && certificateCodes.has(lowCode)) {
    return withUrl({
      code: 'CertificateNotTrusted',
      message: `The server's certificate is not trusted (${lowCode}). For a local stand-in, start VS Code with NODE_EXTRA_CA_CERTS pointing at its CA bundle.`,
    }, url);
  }
  if (status === undefined && (rest.name === 'RestError' || (lowCode !== undefined && networkCodes.has(lowCode)))) {
    const host = url ? new URL(url).host : 'Azure';
    return withUrl({ code: 'NetworkError', message: `Couldn't reach ${host}: ${firstLine(error.message)}. Check the network connection and trafficLens.resourceManagerEndpoint.` }, url);
  }
  if (status !== undefined) {
    const body = parseErrorBody(rest.response?.bodyAsText) ?? parseErrorBody(rest.response?.headers?.get(errorDetailsHeader));
    const code = body?.code ?? rest.code ?? statusCode(status);
    const correlationId = rest.response?.headers?.get('x-ms-correlation-request-id');
    const problem: ArmProblem = { code, message: body?.message ?? firstLine(error.message) ?? describeStatus(status), status };
    if (code === 'PreconditionFailed') {
      // ARM says only "Precondition failed."; the detail names the etags and the resource.
      problem.message = `${body?.detailMessage ?? problem.message} The resource changed since it was read: refresh the view and try again.`;
    }
    if (body?.target) {
      problem.target = body.target;
    }
    if (correlationId) {
      problem.correlationId = correlationId;
    }
    return withUrl(problem, url);
  }
  const lro = /^The long-running operation has failed(?:\. ([^.\s]+)\. ([\s\S]*))?$/.exec(error.message);
  if (lro) {
    return { code: lro[1] ?? 'OperationFailed', message: lro[2]?.trim() || 'The long-running operation failed without an error message.' };
  }
  if (error.name === 'CredentialUnavailableError' || error.name === 'AuthenticationRequiredError' || error.name === 'AuthenticationError') {
    return { code: error.name, message: firstLine(error.message) };
  }
  return { code: rest.code ?? 'UnknownError', message: firstLine(error.message) };
}

/** One line for the user: `AuthorizationFailed: The client … (403)`. */
export function describeProblem(problem: ArmProblem): string {
  return `${problem.code}: ${problem.message}${problem.status !== undefined ? ` (${problem.status})` : ''}`;
}

/** Full details for the log channel: code, status, correlation id, URL. Never headers or tokens. */
/**
 * A failed Azure call as the user sees it: logged in full (`logWhat`), then an Error saying what
 * could not be done (`userWhat`, e.g. "stop packet capture pc-1") and Azure's reason. A cancel
 * comes back unchanged.
 */
export function armFailure(log: { error(message: string): void }, logWhat: string, userWhat: string, error: unknown): unknown {
  const problem = toArmProblem(error);
  if (problem.code === 'Cancelled') {
    return error;
  }
  log.error(problemLogLine(logWhat, problem));
  return new Error(`Couldn't ${userWhat}: ${problem.message} (${problem.code}).`, { cause: error });
}

export function problemLogLine(what: string, problem: ArmProblem): string {
  const parts = [`${what} failed: ${problem.code}`];
  if (problem.status !== undefined) {
    parts.push(`status ${problem.status}`);
  }
  if (problem.correlationId) {
    parts.push(`correlation id ${problem.correlationId}`);
  }
  if (problem.target) {
    parts.push(`target ${problem.target}`);
  }
  if (problem.url) {
    parts.push(problem.url);
  }
  return `${parts.join(', ')}: ${problem.message}`;
}

/** Keeps only `api-version` from the query string. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    const apiVersion = url.searchParams.get('api-version');
    url.search = '';
    url.username = '';
    url.password = '';
    if (apiVersion !== null) {
      url.searchParams.set('api-version', apiVersion);
    }
    return url.toString();
  } catch {
    return raw.replace(/\?.*$/, '');
  }
}

function isArmProblem(value: unknown): value is ArmProblem {
  return typeof value === 'object' && value !== null && !(value instanceof Error) && typeof (value as ArmProblem).code === 'string' && typeof (value as ArmProblem).message === 'string';
}

function parseErrorBody(text: string | null | undefined): { code?: string; message?: string; target?: string; detailMessage?: string } | undefined {
  if (!text) {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; target?: unknown; details?: unknown }; code?: unknown; message?: unknown };
    const error = parsed.error ?? parsed;
    const details = (error as { details?: unknown }).details;
    const firstDetail = Array.isArray(details) ? (details[0] as { message?: unknown } | undefined) : undefined;
    return {
      code: typeof error.code === 'string' ? error.code : undefined,
      message: typeof error.message === 'string' ? error.message : undefined,
      target: typeof (error as { target?: unknown }).target === 'string' ? ((error as { target: string }).target) : undefined,
      detailMessage: typeof firstDetail?.message === 'string' ? firstDetail.message : undefined,
    };
  } catch {
    return undefined;
  }
}

function withUrl(problem: ArmProblem, url: string | undefined): ArmProblem {
  return url ? { ...problem, url } : problem;
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

function statusCode(status: number): string {
  switch (status) {
    case 401:
      return 'AuthenticationFailed';
    case 403:
      return 'AuthorizationFailed';
    case 404:
      return 'NotFound';
    case 429:
      return 'TooManyRequests';
    default:
      return status >= 500 ? 'InternalServerError' : `Http${status}`;
  }
}

function describeStatus(status: number): string {
  return `Azure answered HTTP ${status}.`;
}
