import { subscriptionOf } from '../../azure/armIds';
import { toArmProblem, type ArmProblem } from '../../azure/armProblem';
import {
  actionsToSend,
  fillReferences,
  isSecretPath,
  referencedProperties,
  referenceProblems,
  undoStepOf,
  valueAtPath,
  type ActionOutcome,
  type ActionStatus,
  type ApplyReport,
  type BodyReference,
  type Plan,
  type PlanAction,
} from '../../core/plan';
import type { ActionRunner } from '../../azure/actionRunner';
import { sleep } from '../../azure/bounded';
import { armWritePacer, type WriteKind, type WritePacer } from '../../azure/writePacer';

export interface ApplyOptions {
  /** Actions in flight at once (default 8). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called whenever an action's outcome changes (output channel, Activity view, progress). */
  onUpdate?(action: PlanAction, outcome: ActionOutcome): void;
  /** Asked before an action with `confirm`; false skips it (and what depends on it). */
  confirm?(action: PlanAction): Promise<boolean>;
  /** Paces writes and deletes per subscription (default: Azure Resource Manager's documented limits). */
  pacer?: WritePacer;
  /** Tries per action when Azure throttles (429) even after the SDK's own retries (default 5). */
  maxThrottledAttempts?: number;
  /** Tries per action when Azure fails with a 5xx even after the SDK's own retries (default 2: the SDK already tried 4 times with back-off). */
  maxTransientAttempts?: number;
  /** Tries per action when Azure answers that another operation holds the resource or its parent (default 6, backing off: about a minute in all). */
  maxConflictAttempts?: number;
  /** Wait before retrying when the error carries no `Retry-After` (default 2000 ms, doubled per try). */
  backoffMs?: number;
}

const defaultConcurrency = 8;

/** Runs a plan's actions in dependency order with bounded parallelism and ARM-paced writes. */
export async function applyPlan(plan: Plan, runner: ActionRunner, options: ApplyOptions = {}): Promise<ApplyReport> {
  const outcomes = new Map<string, ActionOutcome>();
  const toSend = new Set(actionsToSend(plan).map((action) => action.id));
  for (const action of plan.actions) {
    outcomes.set(action.id, { actionId: action.id, status: toSend.has(action.id) ? 'pending' : 'kept', attempts: 0 });
  }
  for (const action of plan.actions) {
    if (!toSend.has(action.id)) {
      options.onUpdate?.(action, { ...outcomes.get(action.id)! });
    }
  }
  await execute(plan, toSend, outcomes, 'apply', runner, options);
  return report(plan, outcomes);
}

/** Runs again what failed, was skipped or cancelled in `report`; what succeeded stays. */
export async function retryRemaining(previous: ApplyReport, runner: ActionRunner, options: ApplyOptions = {}): Promise<ApplyReport> {
  const plan = previous.plan;
  const before = new Map(previous.outcomes.map((outcome) => [outcome.actionId, outcome]));
  const outcomes = new Map<string, ActionOutcome>();
  const toRun = new Set<string>();
  for (const action of plan.actions) {
    const old = before.get(action.id);
    const done = old !== undefined && (old.status === 'succeeded' || old.status === 'kept');
    if (done) {
      outcomes.set(action.id, { ...old });
    } else if (action.existing === 'same') {
      outcomes.set(action.id, { actionId: action.id, status: 'kept', attempts: 0 });
    } else {
      outcomes.set(action.id, { actionId: action.id, status: 'pending', attempts: old?.attempts ?? 0 });
      toRun.add(action.id);
    }
  }
  await execute(plan, toRun, outcomes, 'apply', runner, options);
  return report(plan, outcomes);
}

/**
 * Reverses, in reverse dependency order, every action `report` shows as succeeded (never `kept`
 * ones, never those whose undo step is `none`), and deletes what a failed create may have left. Their outcomes become `undone` or `failed`; the
 * others keep their outcome. `complete` is true when everything that could be undone was.
 */
export async function undoCreated(previous: ApplyReport, runner: ActionRunner, options: ApplyOptions = {}): Promise<ApplyReport> {
  const plan = previous.plan;
  const before = new Map(previous.outcomes.map((outcome) => [outcome.actionId, outcome]));
  const outcomes = new Map<string, ActionOutcome>();
  const toUndo = new Set<string>();
  for (const action of plan.actions) {
    const old = before.get(action.id);
    // A create whose long-running operation failed can leave the resource behind in a Failed
    // state (Azure keeps it), which would block deleting what it depends on: delete it too.
    const failedCreate = old?.status === 'failed' && action.kind === 'put' && action.existing === 'absent' && undoStepOf(action).kind === 'delete' && (await leftBehind(action, runner, options.signal));
    if ((old?.status === 'succeeded' || failedCreate) && undoStepOf(action).kind !== 'none') {
      outcomes.set(action.id, { actionId: action.id, status: 'pending', attempts: 0 });
      toUndo.add(action.id);
    } else {
      outcomes.set(action.id, old ? { ...old } : { actionId: action.id, status: 'pending', attempts: 0 });
    }
  }
  await execute(plan, toUndo, outcomes, 'undo', runner, options);
  return { plan, outcomes: plan.actions.map((action) => outcomes.get(action.id)!), complete: [...toUndo].every((id) => outcomes.get(id)!.status === 'undone') };
}

/** True when a failed create's resource exists anyway; a failed check counts as "it may exist". */
async function leftBehind(action: PlanAction, runner: ActionRunner, signal: AbortSignal | undefined): Promise<boolean> {
  if (runner.exists === undefined) {
    return true;
  }
  try {
    return await runner.exists(action, signal ?? new AbortController().signal);
  } catch {
    return true;
  }
}

/** True for a 429 (`SubscriptionRequestsThrottled`, `TooManyRequests`). */
export function isThrottled(problem: ArmProblem): boolean {
  return problem.status === 429 || problem.code === 'SubscriptionRequestsThrottled' || problem.code === 'TooManyRequests' || problem.code === 'TenantRequestsThrottled';
}

/**
 * True when another operation holds the resource, its parent or a resource it references, which a
 * later try no longer meets: `AnotherOperationInProgress` ("Another operation on this or dependent
 * resource is in progress"), `RetryableError`, `ReferencedResourceNotProvisioned` (a referenced
 * resource is still Updating) and a 409 `Conflict`, answered at once or as a failed long-running
 * operation.
 */
export function isConflict(problem: ArmProblem): boolean {
  return ['AnotherOperationInProgress', 'RetryableError', 'ReferencedResourceNotProvisioned', 'Conflict'].includes(problem.code);
}

/** True for a 5xx that a later try may not meet (not a failed validation). */
export function isTransient(problem: ArmProblem): boolean {
  return problem.status !== undefined && problem.status >= 500;
}

/**
 * The wait Azure asked for, in ms: `x-ms-retry-after-ms`, `retry-after-ms` or `Retry-After`
 * (seconds or an HTTP date) on the error's response; undefined when there is none.
 */
export function retryAfterMsOf(error: unknown, now: number = Date.now()): number | undefined {
  const headers = (error as { response?: { headers?: { get?(name: string): string | undefined } | Record<string, string> } } | undefined)?.response?.headers;
  if (!headers) {
    return undefined;
  }
  const get = (name: string): string | undefined =>
    typeof headers.get === 'function' ? (headers.get as (name: string) => string | undefined)(name) ?? undefined : (headers as Record<string, string>)[name] ?? (headers as Record<string, string>)[name.toLowerCase()];
  for (const name of ['x-ms-retry-after-ms', 'retry-after-ms']) {
    const value = Number(get(name));
    if (get(name) !== undefined && Number.isFinite(value) && value >= 0) {
      return value;
    }
  }
  const retryAfter = get('retry-after') ?? get('Retry-After');
  if (retryAfter === undefined) {
    return undefined;
  }
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) {
    return seconds * 1000;
  }
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

type Mode = 'apply' | 'undo';

/**
 * The scheduler: starts each action in `selected` once what it waits for is done, at most
 * `concurrency` at once. In `apply` mode an action waits for its `dependsOn`; in `undo` mode for
 * the selected actions that depend on it (directly or through others), so the last created goes first.
 */
async function execute(plan: Plan, selected: Set<string>, outcomes: Map<string, ActionOutcome>, mode: Mode, runner: ActionRunner, options: ApplyOptions): Promise<void> {
  const byId = new Map(plan.actions.map((action) => [action.id, action]));
  const waitsFor = mode === 'apply' ? applyWaits(plan, selected) : undoWaits(plan, selected);
  const pacer = options.pacer ?? runner.pacer ?? armWritePacer();
  const concurrency = Math.max(1, options.concurrency ?? defaultConcurrency);
  const signal = options.signal;
  const doneStatus: ActionStatus = mode === 'apply' ? 'succeeded' : 'undone';
  const pending = plan.actions.filter((action) => selected.has(action.id)).map((action) => action.id);
  const running = new Map<string, Promise<void>>();
  let confirmations: Promise<unknown> = Promise.resolve();
  const badReferences = new Map<string, string[]>();
  for (const problem of mode === 'apply' ? referenceProblems(plan) : []) {
    badReferences.set(problem.actionId, [...(badReferences.get(problem.actionId) ?? []), problem.message]);
  }
  /** Reads of kept (or silent) actions' resources in flight, so two actions taking values from one read it once. */
  const reads = new Map<string, Promise<Record<string, unknown>>>();

  /** The values later actions take from `source`: kept from its run, else read from Azure once and kept in its outcome. */
  const outputsOf = async (source: PlanAction, abort: AbortSignal): Promise<Record<string, unknown>> => {
    const known = outcomes.get(source.id)?.outputs;
    if (known !== undefined) {
      return known;
    }
    if (runner.read === undefined) {
      throw { code: 'ReferenceUnavailable', message: `Azure could not be asked for what "${source.title}" holds.` };
    }
    let reading = reads.get(source.id);
    if (reading === undefined) {
      reading = runner.read(source, abort).then((resource) => pickOutputs(resource, referencedProperties(plan, source.id)));
      reads.set(source.id, reading);
      reading.catch(() => reads.delete(source.id));
    }
    const outputs = await reading;
    outcomes.set(source.id, { ...outcomes.get(source.id)!, outputs });
    return outputs;
  };

  /** `action` with its `bodyFrom` values filled in; throws an ArmProblem naming the value and the action it comes from. */
  const resolved = async (action: PlanAction, abort: AbortSignal): Promise<PlanAction> => {
    const references = action.bodyFrom ?? [];
    if (references.length === 0) {
      return action;
    }
    const values = new Map<BodyReference, unknown>();
    for (const reference of references) {
      const source = byId.get(reference.fromAction)!;
      const sourceName = lastName(source.resourceId);
      let outputs: Record<string, unknown>;
      try {
        outputs = await outputsOf(source, abort);
      } catch (error) {
        const problem = toArmProblem(error);
        throw { ...problem, message: `Couldn't read ${reference.describe} from ${sourceName}: ${problem.message}` };
      }
      const value = outputs[reference.property];
      if (value === undefined || value === null || value === '') {
        throw {
          code: 'ReferencedValueMissing',
          message: `${sourceName} has no ${reference.property}, which "${action.title}" needs as ${reference.describe} (from "${source.title}"). Make sure ${sourceName} has it, then use Retry Remaining.`,
        };
      }
      values.set(reference, value);
    }
    return { ...action, body: fillReferences(action, (reference) => values.get(reference)), bodyFrom: undefined };
  };

  const update = (id: string, change: Partial<ActionOutcome>): void => {
    const outcome: ActionOutcome = { ...outcomes.get(id)!, ...change };
    for (const key of Object.keys(outcome) as Array<keyof ActionOutcome>) {
      if (outcome[key] === undefined) {
        delete outcome[key];
      }
    }
    outcomes.set(id, outcome);
    options.onUpdate?.(byId.get(id)!, { ...outcome });
  };

  const satisfied = (id: string): boolean => {
    const status = outcomes.get(id)?.status;
    return mode === 'apply' ? status === 'succeeded' || status === 'kept' : status === 'undone';
  };
  const settled = (id: string): boolean => !selected.has(id) || !['pending', 'running'].includes(outcomes.get(id)!.status);

  const runOne = async (action: PlanAction): Promise<void> => {
    if (mode === 'apply' && action.confirm !== undefined && options.confirm) {
      // One question at a time, even when several confirmed actions become ready together.
      const answer = confirmations.then(() => options.confirm!(action));
      confirmations = answer.catch(() => undefined);
      let confirmed: boolean;
      try {
        confirmed = await answer;
      } catch (error) {
        update(action.id, { status: 'failed', ...problemFields(toArmProblem(error)), endedAt: new Date().toISOString() });
        return;
      }
      if (!confirmed) {
        update(action.id, { status: 'skipped', message: `Skipped: not confirmed (${action.confirm}).`, endedAt: new Date().toISOString() });
        return;
      }
    }
    const invalid = badReferences.get(action.id);
    if (invalid !== undefined) {
      update(action.id, { status: 'failed', code: 'InvalidPlanReference', message: invalid.join(' '), endedAt: new Date().toISOString() });
      return;
    }
    update(action.id, { status: 'running', startedAt: new Date().toISOString(), code: undefined, message: undefined });
    const kind = writeKindOf(action, mode);
    const subscriptionId = subscriptionOf(action.resourceId);
    let throttledTries = 0;
    let transientTries = 0;
    let conflictTries = 0;
    for (;;) {
      try {
        signal?.throwIfAborted();
        await pacer.take(subscriptionId, kind, signal);
        const abort = signal ?? new AbortController().signal;
        const toSend = mode === 'apply' ? await resolved(action, abort) : action;
        update(action.id, { attempts: outcomes.get(action.id)!.attempts + 1 });
        const result = mode === 'apply' ? await runner.run(toSend, abort) : await runner.undo(action, abort);
        const referenced = mode === 'apply' ? referencedProperties(plan, action.id) : [];
        const outputs = result?.resource !== undefined && referenced.length > 0 ? pickOutputs(result.resource, referenced) : undefined;
        if (result?.alreadyInPlace !== undefined) {
          update(action.id, { status: 'kept', code: undefined, message: result.alreadyInPlace, outputs, endedAt: new Date().toISOString() });
          return;
        }
        update(action.id, { status: doneStatus, code: undefined, message: undefined, outputs, endedAt: new Date().toISOString() });
        return;
      } catch (error) {
        const problem = toArmProblem(error);
        if (problem.code === 'Cancelled' || signal?.aborted) {
          update(action.id, { status: 'cancelled', message: 'Cancelled while it was running; check its state in Azure.', endedAt: new Date().toISOString() });
          return;
        }
        const throttled = isThrottled(problem);
        const conflict = !throttled && isConflict(problem);
        const transient = !throttled && !conflict && isTransient(problem);
        const tries = throttled ? ++throttledTries : conflict ? ++conflictTries : transient ? ++transientTries : 0;
        const limit = throttled ? options.maxThrottledAttempts ?? 5 : conflict ? options.maxConflictAttempts ?? 6 : options.maxTransientAttempts ?? 2;
        if ((throttled || conflict || transient) && tries < limit) {
          const backoff = (options.backoffMs ?? 2000) * 2 ** (tries - 1);
          const wait = retryAfterMsOf(error) ?? backoff;
          if (throttled) {
            pacer.throttled(subscriptionId, kind, wait);
          }
          update(action.id, { code: problem.code, message: `${problem.message} Trying again in ${Math.ceil(wait / 1000)} s.` });
          try {
            await sleep(throttled ? 0 : wait, signal);
          } catch {
            update(action.id, { status: 'cancelled', message: 'Cancelled while waiting to try again.', endedAt: new Date().toISOString() });
            return;
          }
          continue;
        }
        update(action.id, { status: 'failed', ...problemFields(problem), endedAt: new Date().toISOString() });
        return;
      }
    }
  };

  await new Promise<void>((resolve) => {
    const pump = (): void => {
      if (signal?.aborted) {
        for (const id of pending.splice(0)) {
          update(id, { status: 'cancelled', message: 'Not started: the apply was cancelled.' });
        }
      }
      let progressed = true;
      while (progressed) {
        progressed = false;
        for (let index = 0; index < pending.length; index++) {
          const id = pending[index];
          const waits = waitsFor.get(id) ?? [];
          const blocker = waits.find((other) => settled(other) && !satisfied(other) && selected.has(other));
          if (blocker !== undefined) {
            pending.splice(index, 1);
            update(id, { status: 'skipped', message: skipMessage(mode, byId.get(blocker)!, outcomes.get(blocker)!.status) });
            progressed = true;
            break;
          }
          if (running.size >= concurrency) {
            continue;
          }
          if (waits.every((other) => settled(other) && (satisfied(other) || !selected.has(other)))) {
            pending.splice(index, 1);
            const task = runOne(byId.get(id)!).finally(() => {
              running.delete(id);
              pump();
            });
            running.set(id, task);
            progressed = true;
            break;
          }
        }
      }
      if (running.size === 0) {
        // Whatever is left waits on something that can never finish (a dependency cycle or an unknown id).
        for (const id of pending.splice(0)) {
          update(id, { status: 'skipped', message: `Skipped: it depends on ${(waitsFor.get(id) ?? []).join(', ')}, which cannot run first (a dependency cycle).` });
        }
        resolve();
      }
    };
    pump();
  });
}

function applyWaits(plan: Plan, selected: Set<string>): Map<string, string[]> {
  const known = new Set(plan.actions.map((action) => action.id));
  return new Map(plan.actions.filter((action) => selected.has(action.id)).map((action) => [action.id, action.dependsOn.filter((id) => known.has(id))]));
}

function undoWaits(plan: Plan, selected: Set<string>): Map<string, string[]> {
  const byId = new Map(plan.actions.map((action) => [action.id, action]));
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (id: string, trail = new Set<string>()): Set<string> => {
    const cached = ancestors.get(id);
    if (cached) {
      return cached;
    }
    const found = new Set<string>();
    if (trail.has(id)) {
      return found;
    }
    trail.add(id);
    for (const dependency of byId.get(id)?.dependsOn ?? []) {
      if (byId.has(dependency)) {
        found.add(dependency);
        for (const further of ancestorsOf(dependency, trail)) {
          found.add(further);
        }
      }
    }
    ancestors.set(id, found);
    return found;
  };
  const waits = new Map<string, string[]>([...selected].map((id) => [id, []]));
  for (const id of selected) {
    for (const ancestor of ancestorsOf(id)) {
      if (selected.has(ancestor) && ancestor !== id) {
        waits.get(ancestor)!.push(id);
      }
    }
  }
  return waits;
}

function writeKindOf(action: PlanAction, mode: Mode): WriteKind {
  if (mode === 'apply') {
    return action.kind === 'delete' ? 'delete' : 'write';
  }
  return undoStepOf(action).kind === 'delete' ? 'delete' : 'write';
}

function skipMessage(mode: Mode, blocker: PlanAction, status: ActionStatus): string {
  const what = status === 'cancelled' ? 'was cancelled' : status === 'skipped' ? 'was skipped' : 'failed';
  return mode === 'apply'
    ? `Skipped: it needs "${blocker.title}", which ${what}.`
    : `Not undone: "${blocker.title}" depends on it and ${status === 'failed' ? 'could not be undone' : what}.`;
}

/** Only the referenced properties of a resource: nothing else of it (never a secret) is kept in a report. */
function pickOutputs(resource: Record<string, unknown>, properties: string[]): Record<string, unknown> {
  return Object.fromEntries(
    properties
      .filter((property) => !isSecretPath(property))
      .map((property) => [property, valueAtPath(resource, property)])
      .filter(([, value]) => value !== undefined),
  );
}

function lastName(resourceId: string): string {
  return resourceId.split('/').filter((part) => part !== '').pop() ?? resourceId;
}

function problemFields(problem: ArmProblem): Pick<ActionOutcome, 'code' | 'message'> {
  return { code: problem.code, message: problem.message };
}

function report(plan: Plan, outcomes: Map<string, ActionOutcome>): ApplyReport {
  const list = plan.actions.map((action) => outcomes.get(action.id)!);
  return { plan, outcomes: list, complete: list.every((outcome) => outcome.status === 'succeeded' || outcome.status === 'kept') };
}
