import assert from 'node:assert/strict';
import { snapshotCommands, type RunCommandStatus } from '../../../../src/core/socketListParsers';
import { gatherSnapshot } from '../../../../src/wizards/connectionSnapshot/gather';
import { planSnapshot, renderSnapshotPlan, type SnapshotAnswers, type SnapshotPlan, type SnapshotVmFact } from '../../../../src/wizards/connectionSnapshot/plan';
import { renderSnapshotReport, summariseRun } from '../../../../src/wizards/connectionSnapshot/report';
import { runSnapshot, type SnapshotRunPort } from '../../../../src/wizards/connectionSnapshot/run';
import type { SnapshotVmChoice } from '../../../../src/wizards/connectionSnapshot/snapshotEstate';
import { ScriptedUi, type ScriptedAnswer } from '../../../integration/scriptedUi';

const group = '/subscriptions/11111111-1111-1111-1111-111111111111/resourcegroups/rg-prod-app/providers/microsoft.compute/virtualmachines';
const ids = { web: `${group}/vm-web-01`, db: `${group}/vm-db-01`, dev: `${group}/vm-dev-02`, app: `${group}/vm-app-02`, gone: `${group}/vm-gone` };

function fact(id: string, fields: Partial<SnapshotVmFact> = {}): SnapshotVmFact {
  return { armId: id, name: id.split('/').at(-1) ?? id, subscriptionName: 'Contoso Prod', tenantId: 't1', privateIps: ['10.1.1.4'], os: 'Linux', powerState: 'running', agent: 'ready', ...fields };
}

const facts = [
  fact(ids.web),
  fact(ids.db, { os: 'Windows', privateIps: ['10.1.3.4'] }),
  fact(ids.dev, { powerState: 'deallocated', agent: 'notReady' }),
  fact(ids.app, { agent: 'notReady', agentDetail: 'VM Agent is unresponsive.' }),
  fact(ids.gone, { readProblem: { code: 'AuthorizationFailed', message: 'The client does not have authorization to perform action Microsoft.Compute/virtualMachines/read.' } }),
];

function answers(fields: Partial<SnapshotAnswers> = {}): SnapshotAnswers {
  return { vmIds: [ids.web, ids.db, ids.dev, ids.app, ids.gone], samples: 1, intervalSeconds: 0, ...fields };
}

function linux(stdout: string): RunCommandStatus[] {
  return [{ code: 'ProvisioningState/succeeded', message: `Enable succeeded: \n[stdout]\n${stdout}\n\n[stderr]\n` }];
}

const webListen = 'tcp   LISTEN 0      511     0.0.0.0:443     0.0.0.0:*     users:(("nginx",pid=1011,fd=7))';
const webToApp = 'tcp   ESTAB  0      0      10.1.1.4:51724  10.1.2.4:8080  users:(("nginx",pid=1012,fd=19))';
const shortLived = 'tcp   SYN-SENT 0    1      10.1.1.4:40112  10.1.3.4:1433  users:(("curl",pid=4410,fd=5))';

/** A clock that moves only when the run waits. */
function fakeClock(): { now(): Date; wait(ms: number): Promise<void>; waits: number[] } {
  let time = Date.UTC(2026, 11, 8, 1, 0, 0);
  const waits: number[] = [];
  return {
    now: () => new Date(time),
    wait: async (ms: number) => {
      waits.push(ms);
      time += ms;
    },
    waits,
  };
}

describe('Snapshot Connections: plan', () => {
  it('leaves out stopped, agentless and unreadable VMs with the reason, and plans each OS’s exact command', () => {
    const plan = planSnapshot(answers(), facts);
    assert.equal(plan.title, 'Snapshot connections of 2 VMs');
    assert.deepEqual(plan.vms.map((vm) => `${vm.name}:${vm.skip ?? 'runs'}`), ['vm-web-01:runs', 'vm-db-01:runs', 'vm-dev-02:stopped', 'vm-app-02:agentNotReady', 'vm-gone:unreadable']);
    assert.deepEqual(plan.commands, { Linux: snapshotCommands.Linux, Windows: snapshotCommands.Windows });
    const preview = renderSnapshotPlan(plan);
    assert.match(preview, /```sh\nss -tunap\n```/);
    assert.ok(preview.includes(snapshotCommands.Windows.script[1]), 'the PowerShell script is shown whole');
    assert.match(preview, /\*\*vm-dev-02\*\*: The VM is deallocated; Run Command needs it running\./);
    assert.match(preview, /\*\*vm-app-02\*\*: The VM agent is not ready \(VM Agent is unresponsive\.\)/);
    assert.match(preview, /\*\*vm-gone\*\*: AuthorizationFailed: /);
    assert.match(preview, /### Linux \(`RunShellScript`\): vm-web-01/);
  });

  it('refuses sampling outside its bounds', () => {
    assert.throws(() => planSnapshot(answers({ samples: 11, intervalSeconds: 10 }), facts), /Take 1 to 10 samples/);
    assert.throws(() => planSnapshot(answers({ samples: 3, intervalSeconds: 5 }), facts), /10 to 120 seconds apart/);
    assert.throws(() => planSnapshot(answers({ samples: 10, intervalSeconds: 90 }), facts), /fit in 10 minutes/);
  });
});

describe('Snapshot Connections: run', () => {
  it('takes samples on schedule and merges them: a connection seen in one sample is kept', async () => {
    const plan = planSnapshot(answers({ vmIds: [ids.web], samples: 3, intervalSeconds: 30 }), facts);
    const outputs = [[webListen, webToApp], [webListen, webToApp, shortLived], [webListen]];
    const sent: string[] = [];
    const clock = fakeClock();
    const port: SnapshotRunPort = {
      runCommand: async (vm, command) => {
        sent.push(`${vm.name} ${command.commandId} ${command.script.join(';')}`);
        return linux(outputs[sent.length - 1].join('\n'));
      },
    };
    const report = await runSnapshot(plan, port, { signal: new AbortController().signal, progress: () => undefined, now: clock.now, wait: clock.wait });
    assert.deepEqual(sent, ['vm-web-01 RunShellScript ss -tunap', 'vm-web-01 RunShellScript ss -tunap', 'vm-web-01 RunShellScript ss -tunap']);
    assert.deepEqual(clock.waits, [30000, 30000]);
    const result = report.results[0];
    assert.equal(result.status, 'ok');
    assert.equal(result.snapshot?.samples, 3);
    assert.deepEqual(result.snapshot?.sockets.map((socket) => `${socket.state} ${socket.remote?.address ?? '-'} ${socket.process?.name} ${socket.seenInSamples}`), [
      'LISTEN - nginx 3',
      'ESTABLISHED 10.1.2.4 nginx 2',
      'SYN_SENT 10.1.3.4 curl 1',
    ]);
  });

  it('reports every VM: ok, left out before running, or failed with Azure’s code', async () => {
    const plan = planSnapshot(answers(), facts);
    const port: SnapshotRunPort = {
      runCommand: async (vm) => {
        if (vm.os === 'Windows') {
          throw Object.assign(new Error('Run command extension execution is in progress. Please wait for completion before invoking a run command.'), { statusCode: 409, code: 'Conflict' });
        }
        return linux(webListen);
      },
    };
    const report = await runSnapshot(plan, port, { signal: new AbortController().signal, progress: () => undefined });
    assert.deepEqual(report.results.map((result) => `${result.vmName}:${result.status}${result.code ? `:${result.code}` : ''}`), [
      'vm-web-01:ok',
      'vm-db-01:failed:Conflict',
      'vm-dev-02:stopped',
      'vm-app-02:agentNotReady',
      'vm-gone:unreadable',
    ]);
    assert.equal(summariseRun(report), 'Snapshot of 5 VMs: 1 ok, 1 failed (vm-db-01), 1 not running (vm-dev-02), 1 VM agent not ready (vm-app-02), 1 couldn\'t read the VM (vm-gone).');
    const document = renderSnapshotReport(report);
    assert.match(document, /\| vm-db-01 \| Windows \| failed \(Conflict\): Run command extension execution is in progress/);
    assert.match(document, /## vm-web-01 \(Linux\)\n\n### Listening\n\n\| Protocol \| Port \| Addresses \| Process \|\n\| --- \| --- \| --- \| --- \|\n\| TCP \| 443 \| 0\.0\.0\.0 \| nginx \|/);
  });

  it('reports a script that failed in the guest with its stderr', async () => {
    const plan = planSnapshot(answers({ vmIds: [ids.web] }), facts);
    const port: SnapshotRunPort = { runCommand: async () => [{ code: 'ProvisioningState/succeeded', message: 'Enable failed: failed to execute command: command terminated with exit status=127\n[stdout]\n\n[stderr]\n/bin/sh: 1: ss: not found\n' }] };
    const report = await runSnapshot(plan, port, { signal: new AbortController().signal, progress: () => undefined });
    assert.equal(report.results[0].status, 'failed');
    assert.equal(report.results[0].code, 'ScriptFailed');
    assert.match(report.results[0].detail ?? '', /exit status=127 \/bin\/sh: 1: ss: not found/);
  });

  it('stops at a cancel, keeping the samples taken', async () => {
    const plan = planSnapshot(answers({ vmIds: [ids.web], samples: 3, intervalSeconds: 10 }), facts);
    const controller = new AbortController();
    const port: SnapshotRunPort = { runCommand: async () => linux(webListen) };
    const report = await runSnapshot(plan, port, {
      signal: controller.signal,
      progress: () => undefined,
      wait: async (_ms, signal) => {
        controller.abort();
        throw signal.reason;
      },
    });
    assert.equal(report.cancelled, true);
    assert.equal(report.results[0].status, 'cancelled');
    assert.equal(report.results[0].snapshot?.samples, 1);
  });
});

describe('Snapshot Connections: questions', () => {
  const vms: SnapshotVmChoice[] = [ids.web, ids.db].map((armId) => ({ armId, name: armId.split('/').at(-1) ?? '', subscriptionName: 'Contoso Prod', tenantId: 't1', privateIps: ['10.1.1.4'], subnetIds: [] }));

  function ui(script: ScriptedAnswer[]): ScriptedUi {
    return new ScriptedUi({ next: () => script.shift() });
  }

  it('skips the VM question from a VM row, asks sampling, and runs only after the review', async () => {
    const shown: SnapshotAnswers[] = [];
    const showPlan = async (asked: SnapshotAnswers): Promise<SnapshotPlan> => {
      shown.push(asked);
      return planSnapshot(asked, facts);
    };
    const plan = await gatherSnapshot(ui([
      { id: 'snapshot.samples', pick: '3 samples' },
      { id: 'snapshot.interval', pick: '30 seconds apart' },
      { id: 'snapshot.review', back: true },
      { id: 'snapshot.interval', pick: '10 seconds apart' },
      { id: 'snapshot.review', pick: '$(play) Run Snapshot' },
    ]), vms, { vmIds: [ids.web], single: true }, showPlan);
    assert.deepEqual(shown.map((asked) => asked.intervalSeconds), [30, 10], 'Back from the review re-asks the interval; the plan is made again');
    assert.deepEqual(plan?.vms.map((vm) => vm.name), ['vm-web-01']);
    assert.equal(plan?.samples, 3);
  });

  it('pre-picks a subnet’s VMs, and cancels at the review without running', async () => {
    const plan = await gatherSnapshot(ui([
      { id: 'snapshot.vms', pick: ['vm-web-01', 'vm-db-01'] },
      { id: 'snapshot.samples', pick: 'Once' },
      { id: 'snapshot.review', pick: '$(close) Cancel' },
    ]), vms, { vmIds: [ids.web, ids.db], single: false }, async (asked) => planSnapshot(asked, facts));
    assert.equal(plan, undefined);
  });
});
