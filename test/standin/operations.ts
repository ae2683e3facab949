import { randomUUID } from 'node:crypto';

export type OperationStatus = 'InProgress' | 'Succeeded' | 'Failed';

export interface OperationFailure {
  code: string;
  message: string;
}

export interface Operation {
  id: string;
  status: OperationStatus;
  failure?: OperationFailure;
  /** Polls still answered `InProgress` before the operation ends. */
  pollsLeft: number;
  startTime: string;
  endTime?: string;
  /** The body a `Location` poll answers once the operation succeeded (POST actions such as queryStatus). */
  result?: () => unknown;
}

interface TrackedOperation extends Operation {
  onSucceeded: () => void;
  onFailed: () => void;
  timer?: NodeJS.Timeout;
}

export interface OperationOptions {
  /** Polls answered `InProgress` before the end (ARM usually needs a few). */
  pollsBeforeDone: number;
  /** An operation nobody polls still ends after this long, so the demo's state settles. */
  completeAfterMs: number;
}

/**
 * Long-running operations: a PUT or DELETE starts one, the client polls its status URL, and the
 * change to the resource (provisioningState Succeeded, deletion, peering state) happens when it ends.
 */
export class OperationTracker {
  private readonly operations = new Map<string, TrackedOperation>();

  constructor(private readonly options: OperationOptions) {}

  start(handlers: { onSucceeded: () => void; onFailed?: () => void; failure?: OperationFailure; result?: () => unknown }): Operation {
    const operation: TrackedOperation = {
      id: randomUUID(),
      status: 'InProgress',
      pollsLeft: this.options.pollsBeforeDone,
      startTime: new Date().toISOString(),
      onSucceeded: handlers.onSucceeded,
      onFailed: handlers.onFailed ?? (() => undefined),
    };
    if (handlers.failure) {
      operation.failure = handlers.failure;
    }
    if (handlers.result) {
      operation.result = handlers.result;
    }
    operation.timer = setTimeout(() => this.finish(operation), this.options.completeAfterMs);
    operation.timer.unref();
    this.operations.set(operation.id, operation);
    return operation;
  }

  /** Answers one poll: counts down, then ends the operation. */
  poll(id: string): Operation | undefined {
    const operation = this.operations.get(id.toLowerCase()) ?? this.operations.get(id);
    if (!operation) {
      return undefined;
    }
    if (operation.status === 'InProgress') {
      if (operation.pollsLeft > 0) {
        operation.pollsLeft -= 1;
      } else {
        this.finish(operation);
      }
    }
    return operation;
  }

  get(id: string): Operation | undefined {
    return this.operations.get(id);
  }

  inProgress(): number {
    let count = 0;
    for (const operation of this.operations.values()) {
      if (operation.status === 'InProgress') {
        count += 1;
      }
    }
    return count;
  }

  dispose(): void {
    for (const operation of this.operations.values()) {
      clearTimeout(operation.timer);
    }
  }

  private finish(operation: TrackedOperation): void {
    if (operation.status !== 'InProgress') {
      return;
    }
    clearTimeout(operation.timer);
    operation.endTime = new Date().toISOString();
    if (operation.failure) {
      operation.status = 'Failed';
      operation.onFailed();
    } else {
      operation.status = 'Succeeded';
      operation.onSucceeded();
    }
  }
}
