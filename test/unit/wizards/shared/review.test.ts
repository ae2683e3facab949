import assert from 'node:assert/strict';
import type { ActionRunner } from '../../../../src/azure/actionRunner';
import { applyPlan, retryRemaining, undoCreated } from '../../../../src/wizards/shared/applyPlan';
import type { ActionOutcome, ApplyReport, Plan, PlanAction } from '../../../../src/core/plan';
import { describeReport, pastTense, reviewChoices, reviewPlan, subscriptionsAffected, type ReviewChoice, type ReviewPorts, type ReviewQuestion } from '../../../../src/wizards/shared/review';
import { back, type Back } from '../../../../src/wizards/shared/wizardUi';
import { action, check, plan, subscriptionId } from './builders';

function armError(code: string, status: number): Error {
  return Object.assign(new Error(`${code} happened`), { name: 'RestError', code, statusCode: status });
}

/** A runner whose actions fail with the codes in `failures` (each failure once, or always with `always`). */
class FakeRunner implements ActionRunner {
  readonly ran: string[] = [];
  readonly undone: string[] = [];
  constructor(
    private readonly failures: Record<string, string> = {},
    private readonly always = false,
    private readonly onRun?: (action: PlanAction) => void,
  ) {}

  async run(action: PlanAction, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.ran.push(action.id);
    this.refused.delete(action.id);
    this.onRun?.(action);
    const code = this.failures[action.id];
    if (code !== undefined) {
      if (!this.always) {
        delete this.failures[action.id];
      }
      this.refused.add(action.id);
      throw armError(code, 409);
    }
  }

  async undo(action: PlanAction): Promise<void> {
    this.undone.push(action.id);
  }

  /** Refused requests leave nothing behind here; what ran without failing exists. */
  async exists(action: PlanAction): Promise<boolean> {
    return this.ran.includes(action.id) && !this.refused.has(action.id);
  }

  private readonly refused = new Set<string>();
}

interface Recorded {
  questions: ReviewQuestion[];
  notifications: { message: string; severity: string }[];
  logs: string[];
  changed: string[][];
  busy: string[];
  activity: string[];
  copied: number;
  remembered?: ApplyReport;
  started: string[];
}

function ports(choices: (ReviewChoice | 'showDetails')[], runner: ActionRunner, options: { abortAfter?: number } = {}): { ports: ReviewPorts; recorded: Recorded } {
  const recorded: Recorded = { questions: [], notifications: [], logs: [], changed: [], busy: [], activity: [], copied: 0, started: [] };
  const fast = { backoffMs: 1 };
  const value: ReviewPorts = {
    showPreview: async () => undefined,
    choose: async (question) => {
      recorded.questions.push(question);
      const next = choices.shift();
      assert.ok(next === undefined || next === 'showDetails' || question.offered.includes(next), `"${next}" is not offered by "${question.message}"`);
      return next;
    },
    notify: (message, severity) => void recorded.notifications.push({ message, severity }),
    copyCliScript: async (reviewed) => {
      recorded.copied++;
      return `Copied the Azure CLI script for "${reviewed.title}".`;
    },
    saveBicep: async () => undefined,
    withProgress: async (_title, work) => {
      const controller = new AbortController();
      let finished = 0;
      return work((message) => {
        if (options.abortAfter !== undefined && /^\d+\/\d+: (Created|Failed)/.test(message) && ++finished >= options.abortAfter) {
          controller.abort();
        }
      }, controller.signal);
    },
    runnerFor: async () => runner,
    confirm: async () => true,
    engine: {
      applyPlan: (reviewed, used, applyOptions) => applyPlan(reviewed, used, { ...applyOptions, ...fast, concurrency: 1 }),
      retryRemaining: (report, used, applyOptions) => retryRemaining(report, used, { ...applyOptions, ...fast, concurrency: 1 }),
      undoCreated: (report, used, applyOptions) => undoCreated(report, used, { ...applyOptions, ...fast, concurrency: 1 }),
    },
    beginActivity: () => ({
      start: (kind) => void recorded.activity.push(`start ${kind}`),
      update: (updated: PlanAction, outcome: ActionOutcome) => void recorded.activity.push(`${updated.id} ${outcome.status}`),
      finish: (_report, summary) => void recorded.activity.push(`finish ${summary}`),
    }),
    subscriptionsBusy: (ids, title) => {
      recorded.busy.push(`${ids.join(',')}: ${title}`);
      return () => void recorded.busy.push(`${ids.join(',')}: done after ${recorded.changed.length} refresh`);
    },
    subscriptionsChanged: (ids) => void recorded.changed.push(ids),
    log: {
      info: (message) => void recorded.logs.push(`info ${message}`),
      warn: (message) => void recorded.logs.push(`warn ${message}`),
      error: (message) => void recorded.logs.push(`error ${message}`),
      show: () => void recorded.logs.push('show'),
    },
    remember: (_plan, report) => {
      recorded.remembered = report;
    },
    startRemedy: async (remedy) => void recorded.started.push(`${remedy.command} ${remedy.resourceIds.join(' ')}`),
  };
  return { ports: value, recorded };
}

/** The review's report; a review not offered Back never returns it. */
async function applied(pending: Promise<ApplyReport | Back | undefined>): Promise<ApplyReport | undefined> {
  const report = await pending;
  assert.notEqual(report, back);
  return report as ApplyReport | undefined;
}

function twoRules(): Plan {
  return plan({ actions: [action({ id: 'a1' }), action({ id: 'a2', dependsOn: ['a1'] })] });
}

describe('plan review', () => {
  it('applies after a copy, logs each action with its count, refreshes the subscription and fills the Activity row', async () => {
    const runner = new FakeRunner();
    const { ports: used, recorded } = ports(['copyCli', 'apply'], runner);
    const report = await applied(reviewPlan(twoRules(), used));
    assert.equal(report?.complete, true);
    assert.equal(recorded.copied, 1);
    assert.deepEqual(recorded.questions.map((question) => question.offered), [['apply', 'copyCli', 'saveBicep', 'cancel'], ['apply', 'copyCli', 'saveBicep', 'cancel']]);
    assert.deepEqual(recorded.notifications[0], { message: 'Copied the Azure CLI script for "Allow HTTPS on nsg-web".', severity: 'status' }, 'a copy is confirmed in the status bar, not a notification');
    assert.deepEqual(runner.ran, ['a1', 'a2']);
    assert.ok(recorded.logs.includes('info Created security rule rule-a1 on nsg-web (1 of 2 done)'), recorded.logs.join('\n'));
    assert.ok(recorded.logs.includes('info Created security rule rule-a2 on nsg-web (2 of 2 done)'));
    assert.deepEqual(recorded.changed, [[subscriptionId]]);
    assert.deepEqual(recorded.busy, [`${subscriptionId}: Applying changes…`, `${subscriptionId}: done after 1 refresh`], 'the tree shows the subscription busy while the plan runs, until its refresh has begun');
    assert.equal(recorded.activity[0], 'start apply');
    assert.equal(recorded.activity.at(-1), 'finish applied');
    assert.equal(recorded.notifications.at(-1)?.message, 'Done (2 changes made): Allow HTTPS on nsg-web.');
    assert.equal(recorded.remembered, report);
  });

  it('never offers Apply for a blocked plan, and says which checks failed', async () => {
    const runner = new FakeRunner();
    const { ports: used, recorded } = ports(['cancel'], runner);
    const blocked = plan({ checks: [check({ title: 'Same region', status: 'failed' }), check({ title: 'Quota', status: 'failed' })] });
    assert.equal(await reviewPlan(blocked, used), undefined);
    assert.deepEqual(recorded.questions[0]?.offered, ['copyCli', 'saveBicep', 'cancel']);
    assert.match(recorded.questions[0]?.message ?? '', /can't apply, 2 checks failed: Same region; Quota/);
    assert.deepEqual(runner.ran, []);
  });

  it('sends nothing when the review is cancelled or closed', async () => {
    for (const choices of [['cancel'], []] as ReviewChoice[][]) {
      const runner = new FakeRunner();
      const { ports: used, recorded } = ports(choices, runner);
      assert.equal(await reviewPlan(twoRules(), used), undefined);
      assert.deepEqual(runner.ran, []);
      assert.deepEqual(recorded.activity, []);
    }
  });

  it('after a partial failure names what exists and what failed with its code, and Retry Remaining finishes it', async () => {
    const runner = new FakeRunner({ a2: 'SecurityRuleConflict' });
    const { ports: used, recorded } = ports(['apply', 'retryRemaining'], runner);
    const report = await applied(reviewPlan(twoRules(), used));
    const failure = recorded.questions[1];
    assert.equal(failure?.kind, 'report');
    assert.deepEqual(failure?.offered, ['retryRemaining', 'undoCreated', 'dismiss']);
    assert.equal(failure?.message, '1 of 2 actions failed in Allow HTTPS on nsg-web: rule-a2 (SecurityRuleConflict). Now in place: rule-a1.');
    assert.ok(recorded.logs.some((line) => line.startsWith('error Failed: Create security rule rule-a2 on nsg-web: SecurityRuleConflict') && line.endsWith('(2 of 2 done)')), recorded.logs.join('\n'));
    assert.deepEqual(runner.ran, ['a1', 'a2', 'a2']);
    assert.equal(report?.complete, true);
    assert.ok(recorded.activity.includes('finish 1 failed'));
    assert.equal(recorded.activity.at(-1), 'finish applied');
  });

  it('Undo Created removes what the failed apply created, and only that', async () => {
    const runner = new FakeRunner({ a2: 'SecurityRuleConflict' }, true);
    const { ports: used, recorded } = ports(['apply', 'undoCreated'], runner);
    const independent = plan({ actions: [action({ id: 'a1' }), action({ id: 'a2' }), action({ id: 'a3', existing: 'same' })] });
    await reviewPlan(independent, used);
    assert.deepEqual(runner.undone, ['a1']);
    assert.equal(recorded.notifications.at(-1)?.message, 'Undone (rule-a1): Allow HTTPS on nsg-web.');
    assert.ok(recorded.activity.includes('finish undone (1)'), recorded.activity.join('\n'));
  });

  it('after a cancel says what was created before it and offers the same choices', async () => {
    const runner = new FakeRunner();
    const { ports: used, recorded } = ports(['apply', 'dismiss'], runner, { abortAfter: 1 });
    const report = await applied(reviewPlan(plan({ actions: [action({ id: 'a1' }), action({ id: 'a2' }), action({ id: 'a3' })] }), used));
    assert.equal(report?.complete, false);
    const question = recorded.questions[1];
    assert.equal(question?.message, 'Cancelled: Allow HTTPS on nsg-web. Created before the cancel: rule-a1.');
    assert.deepEqual(question?.offered, ['retryRemaining', 'undoCreated', 'dismiss']);
  });

  it('lists the first failures and counts the rest', () => {
    const many = plan({ actions: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((id) => action({ id })) });
    const report: ApplyReport = { plan: many, complete: false, outcomes: many.actions.map((each) => ({ actionId: each.id, status: 'failed', code: 'Conflict', attempts: 1 })) };
    assert.equal(
      describeReport(report).message,
      '6 of 6 actions failed in Allow HTTPS on nsg-web: rule-a1 (Conflict), rule-a2 (Conflict), rule-a3 (Conflict) and 3 more. Nothing was created.',
    );
    assert.deepEqual(describeReport(report).question?.offered, ['retryRemaining', 'dismiss'], 'nothing to undo');
  });

  it('turns an action title into a log line in the past tense', () => {
    assert.equal(pastTense('Create tap configuration t on nic-1'), 'Created tap configuration t on nic-1');
    assert.equal(pastTense('Stop packet capture pc-1'), 'Stopped packet capture pc-1');
    assert.equal(pastTense('Register Microsoft.Network'), 'Registered Microsoft.Network');
    assert.equal(pastTense('Deploy x'), 'Deployed x');
    assert.equal(pastTense('Apply x'), 'Applied x');
  });

  it('refreshes the subscriptions an action refers to as well as its own', () => {
    const hub = '3f2a8c91-0000-4000-8000-000000000001';
    const prod = 'c5e7a9b1-0000-4000-8000-000000000002';
    const tapConfiguration = action({
      id: 'cfg',
      resourceId: `/subscriptions/${prod.toUpperCase()}/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic-1/tapConfigurations/cfg`,
      body: { properties: { virtualNetworkTap: { id: `/subscriptions/${hub}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworkTaps/vtap` } } },
    });
    assert.deepEqual(subscriptionsAffected(tapConfiguration), [prod, hub]);
  });

  it('offers Back when asked to, and returns it without sending anything', async () => {
    const runner = new FakeRunner();
    const { ports: used, recorded } = ports(['back'], runner);
    assert.equal(await reviewPlan(twoRules(), used, { canGoBack: true }), back);
    assert.deepEqual(recorded.questions[0]?.offered, ['apply', 'copyCli', 'saveBicep', 'back', 'cancel']);
    assert.match(recorded.questions[0]?.notes?.back ?? '', /others are kept/);
    assert.deepEqual(runner.ran, []);
    const blocked = plan({ checks: [check({ status: 'failed' })] });
    const { ports: blockedPorts, recorded: blockedRecorded } = ports(['back'], runner);
    assert.equal(await reviewPlan(blocked, blockedPorts, { canGoBack: true }), back, 'a blocked plan goes back to change the answers');
    assert.deepEqual(blockedRecorded.questions[0]?.offered, ['back', 'copyCli', 'saveBicep', 'cancel']);
  });

  it('does not pre-select Apply when the plan stops VMs, and says the downtime', async () => {
    const restart = plan({
      actions: [
        action({ id: 'a1' }),
        action({ id: 'a2', kind: 'post', operation: 'deallocate', resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-web-1', dependsOn: ['a1'] }),
        action({ id: 'a3', kind: 'post', operation: 'start', resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-web-1', dependsOn: ['a2'] }),
      ],
    });
    assert.deepEqual(reviewChoices(restart, { canGoBack: true }), ['back', 'apply', 'copyCli', 'saveBicep', 'cancel']);
    assert.deepEqual(reviewChoices(restart), ['copyCli', 'apply', 'saveBicep', 'cancel']);
    assert.equal(reviewChoices(twoRules())[0], 'apply', 'a plan without downtime keeps Apply first');
    const { ports: used, recorded } = ports(['cancel'], new FakeRunner());
    await reviewPlan(restart, used, { canGoBack: true });
    assert.match(recorded.questions[0]?.message ?? '', /apply 3 changes\? It stops and starts 1 VM \(a few minutes of downtime each\)\.$/);
    assert.match(recorded.questions[0]?.notes?.apply ?? '', /stops and starts 1 VM/);
  });

  it('offers the remedies of a blocked plan first and starts the one chosen', async () => {
    const remedy = { id: 'peer', label: 'Peer with Hub…', detail: 'vnet-hub with vnet-dev', command: 'trafficLens.createPeering', resourceIds: ['/hub', '/dev'] };
    const blocked = plan({ checks: [check({ status: 'failed' })], remedies: [remedy] });
    const runner = new FakeRunner();
    const { ports: used, recorded } = ports(['fix:peer'], runner);
    assert.equal(await reviewPlan(blocked, used, { canGoBack: true }), undefined);
    assert.deepEqual(recorded.questions[0]?.offered, ['fix:peer', 'back', 'copyCli', 'saveBicep', 'cancel']);
    assert.deepEqual(recorded.questions[0]?.remedies, [remedy]);
    assert.equal(recorded.questions[0]?.notes?.['fix:peer'], 'vnet-hub with vnet-dev');
    assert.deepEqual(recorded.started, ['trafficLens.createPeering /hub /dev']);
    assert.deepEqual(runner.ran, []);
    assert.deepEqual(reviewChoices(plan({ remedies: [remedy] })), ['apply', 'copyCli', 'saveBicep', 'cancel'], 'no remedy when nothing failed');
  });
});
