/**
 * Maps failures of Azure Storage calls (blob listing and download, `listKeys`) to a
 * `StorageProblemError` that says what failed, on which account, and what to do next. The main
 * case: Azure refuses the signed-in user's token with 403 because data access needs a data-plane
 * role (Storage Blob Data Reader) even for an Owner; the caller may then offer the account key.
 * Never carries keys, tokens or SAS query strings.
 */
import { toArmProblem, type ArmProblem } from './armProblem';

export type StorageProblemCode =
  /** 403 with a token: the user lacks a data-plane role (or the token was refused). */
  | 'missingRole'
  /** 403 with an account key: the key is wrong or was rotated. */
  | 'keyRejected'
  /** 403 on `listKeys`: no `Microsoft.Storage/storageAccounts/listKeys/action`. */
  | 'listKeysDenied'
  | 'containerNotFound'
  | 'blobNotFound'
  | 'network'
  | 'other';

export interface StorageProblemInit {
  code: StorageProblemCode;
  message: string;
  accountName: string;
  /** HTTP status, when Azure answered. */
  status?: number;
  /** Azure Storage's error code (`AuthorizationPermissionMismatch`, `AuthenticationFailed`, `ContainerNotFound`). */
  azureCode?: string;
  /** Storage's `AuthenticationErrorDetail` when it sent one (`Invalid token audience.`). */
  detail?: string;
  requestId?: string;
  /** True when reading with the account key (fetched with `listKeys`) may get past this failure. */
  canUseAccountKey: boolean;
}

/** A storage failure with a message fit for users; full details in the fields for the log. */
export class StorageProblemError extends Error implements StorageProblemInit {
  override readonly name = 'StorageProblemError';
  readonly code: StorageProblemCode;
  readonly accountName: string;
  readonly status?: number;
  readonly azureCode?: string;
  readonly detail?: string;
  readonly requestId?: string;
  readonly canUseAccountKey: boolean;

  constructor(init: StorageProblemInit, options?: { cause?: unknown }) {
    super(init.message, options);
    this.code = init.code;
    this.accountName = init.accountName;
    this.canUseAccountKey = init.canUseAccountKey;
    if (init.status !== undefined) this.status = init.status;
    if (init.azureCode !== undefined) this.azureCode = init.azureCode;
    if (init.detail !== undefined) this.detail = init.detail;
    if (init.requestId !== undefined) this.requestId = init.requestId;
  }

  /** One line for the log channel: code, status, Azure's code and detail, request id. */
  toLogLine(): string {
    const parts = [`${this.code}`, this.status === undefined ? undefined : `status ${this.status}`, this.azureCode, this.detail, this.requestId === undefined ? undefined : `request ${this.requestId}`];
    return `Storage account ${this.accountName}: ${this.message} [${parts.filter((part) => part !== undefined).join('; ')}]`;
  }
}

export interface StorageCallContext {
  accountName: string;
  /** How the call was authenticated. */
  auth: 'token' | 'key';
  /** What was being done, for the message: `list flow logs in insights-logs-flowlogflowevent`. */
  action: string;
  container?: string;
  blobName?: string;
}

interface RestErrorLike extends Error {
  code?: string;
  statusCode?: number;
  details?: unknown;
  response?: { headers?: { get(name: string): string | undefined }; bodyAsText?: string | null };
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'REQUEST_SEND_ERROR']);

/** True for an abort (the user cancelled), which is not an error to show. */
export function isStorageCancellation(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR');
}

function detailField(details: unknown, ...keys: string[]): string | undefined {
  if (typeof details !== 'object' || details === null) {
    return undefined;
  }
  for (const [key, value] of Object.entries(details as Record<string, unknown>)) {
    if (keys.some((wanted) => wanted.toLowerCase() === key.toLowerCase()) && typeof value === 'string') {
      return value;
    }
  }
  return undefined;
}

/**
 * Maps what `@azure/storage-blob` or `@azure/arm-storage` threw to a `StorageProblemError`.
 * Cancellations are returned unchanged (callers test `isStorageCancellation` first).
 */
export function toStorageProblem(error: unknown, context: StorageCallContext): Error {
  if (error instanceof StorageProblemError || isStorageCancellation(error)) {
    return error as Error;
  }
  const rest = (error instanceof Error ? error : new Error(String(error))) as RestErrorLike;
  const status = rest.statusCode;
  const headers = rest.response?.headers;
  const azureCode = headers?.get('x-ms-error-code') ?? detailField(rest.details, 'errorCode', 'code') ?? (status === undefined ? undefined : rest.code);
  const detail = detailField(rest.details, 'AuthenticationErrorDetail', 'authenticationErrorDetail');
  const requestId = headers?.get('x-ms-request-id') ?? detailField(rest.details, 'requestId');
  const account = context.accountName;
  const base = {
    accountName: account,
    ...(status === undefined ? {} : { status }),
    ...(azureCode === undefined ? {} : { azureCode }),
    ...(detail === undefined ? {} : { detail }),
    ...(requestId === undefined ? {} : { requestId }),
  };
  const refusedBecause = [azureCode, detail].filter((part) => part !== undefined).join(': ');
  if (status === 403 && context.auth === 'token') {
    return new StorageProblemError({
      ...base,
      code: 'missingRole',
      message: `Azure Storage refused to ${context.action} on account ${account} with your sign-in${refusedBecause ? ` (${refusedBecause})` : ''}. Reading flow logs with your sign-in needs the role Storage Blob Data Reader on account ${account} (or its container); Owner and Contributor do not include it. Ask for that role, or use the account key instead.`,
      canUseAccountKey: true,
    }, { cause: error });
  }
  // Azurite with --oauth answers a wrong key with 400 InvalidAuthenticationInfo instead of 403.
  if (context.auth === 'key' && (status === 403 || azureCode === 'InvalidAuthenticationInfo')) {
    return new StorageProblemError({
      ...base,
      code: 'keyRejected',
      message: `Azure Storage refused the account key of ${account} while trying to ${context.action}${refusedBecause ? ` (${refusedBecause})` : ''}. The key may have been rotated: forget the saved key and fetch it again.`,
      canUseAccountKey: true,
    }, { cause: error });
  }
  if (status === 404 && (azureCode === 'ContainerNotFound' || context.blobName === undefined)) {
    return new StorageProblemError({
      ...base,
      code: 'containerNotFound',
      message: `Storage account ${account} has no container ${context.container ?? ''}: nothing has been written there yet, or it goes to another account.`,
      canUseAccountKey: false,
    }, { cause: error });
  }
  if (status === 404) {
    return new StorageProblemError({
      ...base,
      code: 'blobNotFound',
      message: `The flow-log blob ${context.blobName ?? ''} is no longer in ${context.container ?? 'its container'} on account ${account}: retention may have deleted it. Refresh the list.`,
      canUseAccountKey: false,
    }, { cause: error });
  }
  if (status === undefined && (networkCodes.has(rest.code ?? '') || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|socket hang up/i.test(rest.message))) {
    return new StorageProblemError({
      ...base,
      code: 'network',
      message: `Couldn't reach storage account ${account} to ${context.action} (${rest.code ?? rest.message}). Check the network, a firewall on the account, or the storage endpoint setting.`,
      canUseAccountKey: false,
    }, { cause: error });
  }
  const firstLine = rest.message.split('\n')[0];
  return new StorageProblemError({
    ...base,
    code: 'other',
    message: `Couldn't ${context.action} on storage account ${account}: ${firstLine}`,
    canUseAccountKey: false,
  }, { cause: error });
}

/**
 * A failed Resource Manager call about a storage account (getProperties, listKeys), mapped once
 * through `toArmProblem` (ARM's error body, network and certificate failures) and worded by the
 * caller, who knows what was being done.
 */
export function storageArmProblem(
  error: unknown,
  accountName: string,
  word: (problem: ArmProblem) => { code: StorageProblemCode; message: string },
): StorageProblemError {
  const problem = toArmProblem(error);
  return new StorageProblemError({
    ...word(problem),
    accountName,
    ...(problem.status === undefined ? {} : { status: problem.status, azureCode: problem.code }),
    canUseAccountKey: false,
  }, { cause: error });
}
