import assert from 'node:assert/strict';
import type { ActionRunner } from '../../../../src/azure/actionRunner';
import { applyPlan, retryAfterMsOf, retryRemaining, undoCreated } from '../../../../src/wizards/shared/applyPlan';
import type { ActionOutcome, Plan, PlanAction } from '../../../../src/core/plan';
import type { WriteKind, WritePacer } from '../../../../src/azure/writePacer';

const subscription = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.Network';

function action(id: string, overrides: Partial<PlanAction> = {}): PlanAction {
  return {
    id,
    kind: 'put',
    title: `Create ${id}`,
    resourceId: `${subscription}/virtualNetworks/${id}`,
    resourceType: 'Microsoft.Network/virtualNetworks',
    apiVersion: '2026-01-01',
    body: { location: 'germanywestcentral', properties: {} },
    dependsOn: [],
    tenantId: 't',
    existing: 'absent',
    ...overrides,
  };
}

function planOf(actions: PlanAction[]): Plan {
  return { kind: 'peering', title: 'test', summary: [], checks: [], warnings: [], actions };
}

/** A throwable shaped like the SDK's RestError. */
function restError(status: number, code: string, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(`${code} happened`), {
    name: 'RestError',
    statusCode: status,
    code,
    response: { status, bodyAsText: JSON.stringify({ error: { code, message: `${code} happened` } }), headers: { get: (name: string) => headers[name.toLowerCase()] } },
  });
}

/** Records calls; `behaviour` decides per action id and attempt what happens. */
class FakeRunner implements ActionRunner {
  readonly calls: string[] = [];
  readonly undone: string[] = [];
  running = 0;
  maxRunning = 0;
  private readonly tries = new Map<string, number>();

  constructor(private readonly behaviour: (id: string, attempt: number, signal: AbortSignal) => Promise<void> | void = () => undefined) {}

  async run(item: PlanAction, signal: AbortSignal): Promise<void> {
    const attempt = (this.tries.get(item.id) ?? 0) + 1;
    this.tries.set(item.id, attempt);
    this.calls.push(item.id);
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await new Promise((resolve) => setTimeout(resolve, 2));
      await this.behaviour(item.id, attempt, signal);
    } finally {
      this.running -= 1;
    }
  }

  async undo(item: PlanAction): Promise<void> {
    this.undone.push(item.id);
    if (item.id === 'undo-fails') {
      throw restError(409, 'InUseByOtherResource');
    }
  }
}

/** A pacer that never waits but remembers what it was asked. */
class CountingPacer implements WritePacer {
  readonly taken: string[] = [];
  readonly throttles: number[] = [];
  async take(subscriptionId: string, kind: WriteKind): Promise<void> {
    this.taken.push(`${subscriptionId}:${kind}`);
  }
  throttled(_subscriptionId: string, _kind: WriteKind, retryAfterMs: number): void {
    this.throttles.push(retryAfterMs);
  }
}

const statuses = (outcomes: ActionOutcome[]): Record<string, string> => Object.fromEntries(outcomes.map((outcome) => [outcome.actionId, outcome.status]));

describe('applyPlan', () => {
  it('keeps actions that are already as planned and sends nothing for them', async () => {
    const runner = new FakeRunner();
    const updates: string[] = [];
    const report = await applyPlan(planOf([action('a', { existing: 'same' }), action('b', { dependsOn: ['a'] })]), runner, {
      pacer: new CountingPacer(),
      onUpdate: (item, outcome) => updates.push(`${item.id}:${outcome.status}`),
    });
    assert.deepEqual(statuses(report.outcomes), { a: 'kept', b: 'succeeded' });
    assert.deepEqual(runner.calls, ['b']);
    assert.equal(report.complete, true);
    assert.deepEqual(updates, ['a:kept', 'b:running', 'b:running', 'b:succeeded']);
    assert.equal(report.outcomes[1].attempts, 1);
    assert.ok(report.outcomes[1].startedAt && report.outcomes[1].endedAt);
  });

  it('starts an action only after its dependencies succeeded, and runs independent ones in parallel up to the limit', async () => {
    const order: string[] = [];
    const runner = new FakeRunner(async (id) => {
      order.push(`start:${id}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      order.push(`end:${id}`);
    });
    const actions = [action('root'), ...Array.from({ length: 6 }, (_, index) => action(`leaf${index}`, { dependsOn: ['root'] })), action('last', { dependsOn: ['leaf0', 'leaf5'] })];
    const report = await applyPlan(planOf(actions), runner, { concurrency: 3, pacer: new CountingPacer() });
    assert.equal(report.complete, true);
    assert.equal(order[0], 'start:root');
    assert.equal(order[1], 'end:root');
    assert.ok(order.indexOf('start:last') > order.indexOf('end:leaf0') && order.indexOf('start:last') > order.indexOf('end:leaf5'));
    assert.equal(runner.maxRunning, 3);
  });

  it('skips what depends on a failed action, naming it, and reports Azure\'s code', async () => {
    const runner = new FakeRunner((id) => {
      if (id === 'hub') {
        throw restError(400, 'VnetAddressSpacesOverlap');
      }
    });
    const report = await applyPlan(planOf([action('hub'), action('peer', { dependsOn: ['hub'] }), action('after', { dependsOn: ['peer'] }), action('free')]), runner, { pacer: new CountingPacer() });
    assert.deepEqual(statuses(report.outcomes), { hub: 'failed', peer: 'skipped', after: 'skipped', free: 'succeeded' });
    assert.equal(report.outcomes[0].code, 'VnetAddressSpacesOverlap');
    assert.equal(report.outcomes[0].attempts, 1, 'a 400 is not retried');
    assert.match(report.outcomes[1].message ?? '', /Create hub.*failed/);
    assert.match(report.outcomes[2].message ?? '', /Create peer.*skipped/);
    assert.equal(report.complete, false);
    assert.deepEqual(runner.calls.sort(), ['free', 'hub']);
  });

  it('waits the Retry-After of a 429 that outlived the SDK\'s retries, then tries again', async () => {
    const pacer = new CountingPacer();
    const runner = new FakeRunner((_id, attempt) => {
      if (attempt < 3) {
        throw restError(429, 'SubscriptionRequestsThrottled', { 'retry-after': '7' });
      }
    });
    const report = await applyPlan(planOf([action('a')]), runner, { pacer });
    assert.equal(report.outcomes[0].status, 'succeeded');
    assert.equal(report.outcomes[0].attempts, 3);
    assert.deepEqual(pacer.throttles, [7000, 7000], 'the pacer holds writes for what Azure asked');
    assert.equal(pacer.taken.length, 3);
  });

  it('gives up on throttling and transient errors after a bounded number of tries', async () => {
    const runner = new FakeRunner((id) => {
      throw id === 'busy' ? restError(429, 'SubscriptionRequestsThrottled', { 'x-ms-retry-after-ms': '1' }) : restError(503, 'ServiceUnavailable');
    });
    const report = await applyPlan(planOf([action('busy'), action('down')]), runner, { pacer: new CountingPacer(), maxThrottledAttempts: 4, maxTransientAttempts: 2, backoffMs: 1 });
    assert.deepEqual(statuses(report.outcomes), { busy: 'failed', down: 'failed' });
    assert.equal(report.outcomes[0].attempts, 4);
    assert.equal(report.outcomes[0].code, 'SubscriptionRequestsThrottled');
    assert.equal(report.outcomes[1].attempts, 2);
    assert.equal(report.outcomes[1].code, 'ServiceUnavailable');
  });

  it('asks before a confirmed action, one question at a time; a no skips it and its dependents', async () => {
    const asked: string[] = [];
    let open = 0;
    const runner = new FakeRunner();
    const report = await applyPlan(
      planOf([action('x', { confirm: 'Disable x?' }), action('y', { confirm: 'Disable y?' }), action('z', { dependsOn: ['y'] })]),
      runner,
      {
        pacer: new CountingPacer(),
        confirm: async (item) => {
          open += 1;
          assert.equal(open, 1, 'only one question open');
          asked.push(item.id);
          await new Promise((resolve) => setTimeout(resolve, 5));
          open -= 1;
          return item.id === 'x';
        },
      },
    );
    assert.deepEqual(asked.sort(), ['x', 'y']);
    assert.deepEqual(statuses(report.outcomes), { x: 'succeeded', y: 'skipped', z: 'skipped' });
    assert.match(report.outcomes[1].message ?? '', /not confirmed/);
  });

  it('on cancel, aborts running actions and marks unstarted ones cancelled', async () => {
    const controller = new AbortController();
    const runner = new FakeRunner(
      (id, _attempt, signal) =>
        new Promise<void>((resolve, reject) => {
          if (id === 'slow') {
            setTimeout(() => controller.abort(), 5);
          }
          signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
          setTimeout(resolve, 1000);
        }),
    );
    const report = await applyPlan(planOf([action('slow'), action('next', { dependsOn: ['slow'] }), action('other', { dependsOn: ['slow'] })]), runner, { signal: controller.signal, pacer: new CountingPacer() });
    assert.deepEqual(statuses(report.outcomes), { slow: 'cancelled', next: 'cancelled', other: 'cancelled' });
    assert.deepEqual(runner.calls, ['slow']);
  });

  it('takes a write token for a put or post and a delete token for a delete, from the action\'s subscription', async () => {
    const pacer = new CountingPacer();
    await applyPlan(planOf([action('p'), action('d', { kind: 'delete' }), action('o', { kind: 'post', operation: 'start' })]), new FakeRunner(), { pacer });
    assert.deepEqual(pacer.taken.sort(), ['11111111-2222-3333-4444-555555555555:delete', '11111111-2222-3333-4444-555555555555:write', '11111111-2222-3333-4444-555555555555:write']);
  });

  it('does not hang on a dependency cycle', async () => {
    const report = await applyPlan(planOf([action('a', { dependsOn: ['b'] }), action('b', { dependsOn: ['a'] })]), new FakeRunner(), { pacer: new CountingPacer() });
    assert.deepEqual(statuses(report.outcomes), { a: 'skipped', b: 'skipped' });
  });
});

describe('retryRemaining', () => {
  it('re-runs what failed and what was skipped because of it, keeping what succeeded', async () => {
    let hubFails = true;
    const runner = new FakeRunner((id) => {
      if (id === 'hub' && hubFails) {
        throw restError(500, 'InternalServerError');
      }
    });
    const plan = planOf([action('done'), action('hub'), action('peer', { dependsOn: ['hub', 'done'] })]);
    const first = await applyPlan(plan, runner, { pacer: new CountingPacer(), maxTransientAttempts: 1 });
    assert.deepEqual(statuses(first.outcomes), { done: 'succeeded', hub: 'failed', peer: 'skipped' });
    hubFails = false;
    runner.calls.length = 0;
    const second = await retryRemaining(first, runner, { pacer: new CountingPacer() });
    assert.deepEqual(statuses(second.outcomes), { done: 'succeeded', hub: 'succeeded', peer: 'succeeded' });
    assert.deepEqual(runner.calls, ['hub', 'peer']);
    assert.equal(second.outcomes[1].attempts, 2, 'attempts add up across runs');
    assert.equal(second.complete, true);
  });
});

describe('undoCreated', () => {
  it('reverses succeeded actions, last created first, never kept ones or those without an undo', async () => {
    const runner = new FakeRunner();
    const plan = planOf([
      action('vnet'),
      action('kept', { existing: 'same' }),
      action('updated', { existing: 'differs' }),
      action('peering', { dependsOn: ['vnet'] }),
      action('flowlog', { dependsOn: ['peering'], undo: { kind: 'none', reason: 'kept for audit' } }),
    ]);
    const applied = await applyPlan(plan, runner, { pacer: new CountingPacer() });
    const undone = await undoCreated(applied, runner, { pacer: new CountingPacer() });
    assert.deepEqual(runner.undone, ['peering', 'vnet']);
    assert.deepEqual(statuses(undone.outcomes), { vnet: 'undone', kept: 'kept', updated: 'succeeded', peering: 'undone', flowlog: 'succeeded' });
    assert.equal(undone.complete, true);
  });

  it('also deletes what a failed create may have left behind, but never reverts a failed update', async () => {
    const runner = new FakeRunner((id) => {
      if (id.startsWith('broken')) {
        throw restError(400, 'InvalidResourceReference');
      }
    });
    const plan = planOf([action('tap'), action('broken-create', { dependsOn: ['tap'] }), action('broken-update', { existing: 'differs' })]);
    const applied = await applyPlan(plan, runner, { pacer: new CountingPacer() });
    assert.deepEqual(statuses(applied.outcomes), { tap: 'succeeded', 'broken-create': 'failed', 'broken-update': 'failed' });
    const undone = await undoCreated(applied, runner, { pacer: new CountingPacer() });
    assert.deepEqual(runner.undone, ['broken-create', 'tap']);
    assert.deepEqual(statuses(undone.outcomes), { tap: 'undone', 'broken-create': 'undone', 'broken-update': 'failed' });
  });

  it('reports a failed undo with Azure\'s code and leaves what it depends on', async () => {
    const runner = new FakeRunner();
    const plan = planOf([action('vnet'), action('undo-fails', { dependsOn: ['vnet'] })]);
    const undone = await undoCreated(await applyPlan(plan, runner, { pacer: new CountingPacer() }), runner, { pacer: new CountingPacer() });
    assert.deepEqual(statuses(undone.outcomes), { vnet: 'skipped', 'undo-fails': 'failed' });
    assert.equal(undone.outcomes[1].code, 'InUseByOtherResource');
    assert.match(undone.outcomes[0].message ?? '', /Not undone/);
    assert.equal(undone.complete, false);
  });
});

describe('retryAfterMsOf', () => {
  it('reads x-ms-retry-after-ms, Retry-After seconds and an HTTP date', () => {
    assert.equal(retryAfterMsOf(restError(429, 'x', { 'x-ms-retry-after-ms': '250' })), 250);
    assert.equal(retryAfterMsOf(restError(429, 'x', { 'retry-after': '3' })), 3000);
    assert.equal(retryAfterMsOf(restError(429, 'x', { 'retry-after': new Date(10_000).toUTCString() }), 4000), 6000);
    assert.equal(retryAfterMsOf(restError(429, 'x')), undefined);
    assert.equal(retryAfterMsOf(new Error('plain')), undefined);
  });
});
