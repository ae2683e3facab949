import assert from 'node:assert/strict';
import { flowLogQuestions, flowLogSeedOf, gatherFlowLogs, type FlowLogChoices } from '../../../../src/wizards/flowLogs/gather';
import { ScriptedUi, type ScriptedAnswer } from '../../../integration/scriptedUi';
import { AnswerTrail } from '../../../../src/wizards/shared/questions';
import { defaultFlowLogName } from '../../../../src/wizards/flowLogs/checks';
import type { InputStep, PickManyStep, PickStep } from '../../../../src/wizards/shared/wizardUi';
import { devSubscription, existingFlowLog, storageAccount, subnetTarget, target, workspace } from './builders';

function script(answers: ScriptedAnswer[]): { ui: ScriptedUi; asked: string[]; left: () => number } {
  const queue = [...answers];
  const asked: string[] = [];
  return {
    ui: new ScriptedUi({
      next: () => {
        const answer = queue.shift();
        if (answer) {
          asked.push(answer.id);
        }
        return answer;
      },
    }),
    asked,
    left: () => queue.length,
  };
}

const otherVnet = target({ armId: '/subscriptions/x/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/vnet-west', id: '/subscriptions/x/resourcegroups/g/providers/microsoft.network/virtualnetworks/vnet-west', name: 'vnet-west', location: 'germanywestcentral' });

function choices(overrides: Partial<FlowLogChoices> = {}): FlowLogChoices {
  return {
    targets: [target(), subnetTarget(), otherVnet],
    storageAccounts: [storageAccount(), storageAccount({ name: stWest, location: 'germanywestcentral' })],
    workspaces: [workspace()],
    flowLogs: [],
    storageNameProblem: async (name) => (name === 'sttaken' ? 'The storage account named sttaken is already taken.' : undefined),
    ...overrides,
  };
}
const stWest = 'stwestlogs';

describe('Flow-log questions', () => {
  it('counts only the steps the answers so far lead to: the total grows, never drops', async () => {
    const { ui } = script([
      { id: 'flowLogs.targets', pick: ['vnet-dev-spoke'] },
      { id: 'flowLogs.storage', pick: '#new' },
      { id: 'flowLogs.storageName', input: 'stnewlogs' },
      { id: 'flowLogs.retention', input: '7' },
      { id: 'flowLogs.trafficAnalytics', pick: 'law-dev' },
      { id: 'flowLogs.interval', pick: 'Every 10 minutes' },
      { id: 'flowLogs.name', input: 'fl-custom' },
    ]);
    const steps: string[] = [];
    const counting = {
      pick: <T>(step: PickStep<T>) => (steps.push(`${step.step}/${step.totalSteps}`), ui.pick(step)),
      pickMany: <T>(step: PickManyStep<T>) => (steps.push(`${step.step}/${step.totalSteps}`), ui.pickMany(step)),
      input: (step: InputStep) => (steps.push(`${step.step}/${step.totalSteps}`), ui.input(step)),
    };
    assert.ok(await gatherFlowLogs(counting, choices()));
    assert.deepEqual(steps, ['1/4', '2/5', '3/6', '4/6', '5/6', '6/7', '7/7'], 'the name once one new VNet is picked, the storage name for a new account, the interval with Traffic Analytics');
  });

  it('lists the storage accounts of the region before "Create new", so Enter keeps to one that exists', async () => {
    /** The labels the storage question offers, the rest of the questions cancelled. */
    const storageOffered = async (answer: string, accounts: FlowLogChoices['storageAccounts']): Promise<string[]> => {
      const { ui } = script([{ id: 'flowLogs.storage', pick: answer }]);
      let offered: string[] = [];
      const recording = {
        pick: <T>(step: PickStep<T>) => {
          if (step.id !== 'flowLogs.storage') {
            return Promise.resolve(undefined);
          }
          offered = step.items.map((item) => item.label);
          return ui.pick(step);
        },
        pickMany: <T>(step: PickManyStep<T>) => ui.pickMany(step),
        input: () => Promise.resolve(undefined),
      };
      await gatherFlowLogs(recording, choices({ storageAccounts: accounts }), { targetIds: [target().armId] });
      return offered;
    };
    const west = storageAccount({ name: stWest, location: 'germanywestcentral' });
    assert.deepEqual(await storageOffered('stdevflowlogs', [storageAccount(), west]), ['stdevflowlogs', 'Create new storage account…', stWest]);
    assert.deepEqual(await storageOffered('#new', [west]), ['Create new storage account…', stWest], 'with none in the region, creating one comes first');
  });

  it('lists premium storage accounts last, saying they are not supported for flow logs', async () => {
    let descriptions: Array<[string, string | undefined]> = [];
    const recording = {
      pick: <T>(step: PickStep<T>) => {
        if (step.id === 'flowLogs.storage') {
          descriptions = step.items.map((item) => [item.label, item.description]);
        }
        return Promise.resolve(undefined);
      },
      pickMany: () => Promise.resolve(undefined),
      input: () => Promise.resolve(undefined),
    };
    const premium = storageAccount({ name: 'stpremium', sku: 'Premium_LRS' });
    const blockBlob = storageAccount({ name: 'stblockblob', kind: 'BlockBlobStorage', sku: 'Premium_ZRS' });
    await gatherFlowLogs(recording, choices({ storageAccounts: [premium, storageAccount(), blockBlob] }), { targetIds: [target().armId] });
    assert.deepEqual(descriptions.map(([label]) => label), ['stdevflowlogs', 'Create new storage account…', 'stpremium', 'stblockblob']);
    assert.match(descriptions[2][1] ?? '', /Premium_LRS · premium: not supported for flow logs$/);
    assert.match(descriptions[3][1] ?? '', /BlockBlobStorage · Premium_ZRS · premium: not supported for flow logs$/);
  });

  it('skips the targets for a seeded VNet and asks storage, retention, Traffic Analytics and the name', async () => {
    const { ui, left } = script([
      { id: 'flowLogs.storage', pick: 'stdevflowlogs' },
      { id: 'flowLogs.retention', input: '7' },
      { id: 'flowLogs.trafficAnalytics', pick: 'law-dev' },
      { id: 'flowLogs.interval', pick: 'Every 10 minutes' },
      { id: 'flowLogs.name', input: 'fl-custom' },
    ]);
    const answers = await gatherFlowLogs(ui, choices(), { targetIds: [target().armId] });
    assert.equal(left(), 0);
    assert.deepEqual(answers?.targets.map((item) => item.name), ['vnet-dev-spoke']);
    assert.equal(answers?.storage.kind, 'existing');
    assert.equal(answers?.retentionDays, 7);
    assert.equal(answers?.trafficAnalytics?.intervalMinutes, 10);
    assert.deepEqual(answers?.flowLogNames, { [target().id]: 'fl-custom' });
  });

  it('asks a region for a subscription and pre-picks its VNets there; a new storage account is checked with Azure', async () => {
    const { ui, left } = script([
      { id: 'flowLogs.region', pick: 'uksouth' },
      { id: 'flowLogs.targets', pick: ['vnet-dev-spoke'] },
      { id: 'flowLogs.storage', pick: 'Create new storage account…' },
      { id: 'flowLogs.storageName', input: 'stdevnew01' },
      { id: 'flowLogs.retention', input: '0' },
      { id: 'flowLogs.trafficAnalytics', pick: 'Off' },
      { id: 'flowLogs.name', input: 'fl-vnet-dev-spoke' },
    ]);
    const answers = await gatherFlowLogs(ui, choices(), { subscriptionId: devSubscription });
    assert.equal(left(), 0);
    assert.deepEqual(answers?.storage, { kind: 'new', name: 'stdevnew01', subscriptionId: devSubscription, tenantId: target().tenantId, resourceGroup: 'rg-dev-network', location: 'uksouth' });
    assert.equal(answers?.trafficAnalytics, undefined);
  });

  it('refuses a taken storage account name through the async check', async () => {
    const { ui } = script([
      { id: 'flowLogs.storage', pick: 'Create new storage account…' },
      { id: 'flowLogs.storageName', input: 'sttaken' },
    ]);
    await assert.rejects(gatherFlowLogs(ui, choices(), { targetIds: [target().armId] }), /already taken/);
  });

  it('goes Back to the previous question and skips the name when the target already has a flow log', async () => {
    const { ui, asked, left } = script([
      { id: 'flowLogs.storage', pick: 'stdevflowlogs' },
      { id: 'flowLogs.retention', back: true },
      { id: 'flowLogs.storage', pick: stWest },
      { id: 'flowLogs.retention', input: '30' },
      { id: 'flowLogs.trafficAnalytics', pick: 'Off' },
    ]);
    const answers = await gatherFlowLogs(ui, choices({ flowLogs: [existingFlowLog()] }), { targetIds: [target().armId] });
    assert.equal(left(), 0);
    assert.deepEqual(asked, ['flowLogs.storage', 'flowLogs.retention', 'flowLogs.storage', 'flowLogs.retention', 'flowLogs.trafficAnalytics']);
    assert.equal(answers?.storage.kind === 'existing' && answers.storage.account.name, stWest);
  });

  it('suggests the name anew when Back leads to another VNet, and keeps a name the user typed', async () => {
    const walk = async (name: string): Promise<{ offered: string[]; names: Record<string, string> | undefined }> => {
      const trail = new AnswerTrail();
      const first = script([
        { id: 'flowLogs.targets', pick: ['vnet-dev-spoke'] },
        { id: 'flowLogs.storage', pick: 'stdevflowlogs' },
        { id: 'flowLogs.retention', input: '7' },
        { id: 'flowLogs.trafficAnalytics', pick: 'Off' },
        { id: 'flowLogs.name', input: name },
      ]);
      assert.ok(await gatherFlowLogs(first.ui, choices(), {}, trail));
      // Back from the review to the name, then Back to the VNets.
      const second = script([
        { id: 'flowLogs.name', back: true },
        { id: 'flowLogs.trafficAnalytics', back: true },
        { id: 'flowLogs.retention', back: true },
        { id: 'flowLogs.storage', back: true },
        { id: 'flowLogs.targets', pick: ['vnet-west'] },
        { id: 'flowLogs.storage', pick: stWest },
        { id: 'flowLogs.retention', input: '7' },
        { id: 'flowLogs.trafficAnalytics', pick: 'Off' },
        { id: 'flowLogs.name', input: 'ignored' },
      ]);
      const offered: string[] = [];
      const recording = { pick: second.ui.pick.bind(second.ui), pickMany: second.ui.pickMany.bind(second.ui), input: (step: InputStep) => (offered.push(step.value ?? ''), second.ui.input(step)) };
      const answers = await gatherFlowLogs(recording, choices(), {}, trail);
      assert.equal(second.left(), 0);
      return { offered, names: answers?.flowLogNames };
    };
    const suggested = await walk(defaultFlowLogName(target()));
    assert.equal(suggested.offered.at(-1), defaultFlowLogName(otherVnet), 'the name suggested for vnet-dev-spoke is not offered for vnet-west');
    const typed = await walk('fl-mine');
    assert.equal(typed.offered.at(-1), 'fl-mine');
  });

  it('returns undefined when cancelled', async () => {
    const { ui } = script([{ id: 'flowLogs.storage', cancel: true }]);
    assert.equal(await gatherFlowLogs(ui, choices(), { targetIds: [target().armId] }), undefined);
  });
});

describe('Flow-log targets from the rows a command ran on', () => {
  const vnet = '/subscriptions/S1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-a';
  const subnet = `${vnet}/subnets/snet-app`;
  const nic = '/subscriptions/S1/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic-1';

  it('takes VNet, subnet and NIC rows as targets, lower-cased, and leaves out other rows', () => {
    assert.deepEqual(flowLogSeedOf([vnet, subnet, nic, '/subscriptions/S1/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg']), { targetIds: [vnet.toLowerCase(), subnet.toLowerCase(), nic.toLowerCase()] });
  });

  it('takes a subscription row as "a region of this subscription", and nothing as "ask for targets"', () => {
    assert.deepEqual(flowLogSeedOf(['/subscriptions/S1']), { subscriptionId: 's1' });
    assert.deepEqual(flowLogSeedOf([]), {});
  });

  it('turns a finished draft into answers for the seeded target when the targets were not asked (a draft has no target ids then)', () => {
    const seeded = flowLogQuestions(script([]).ui, choices(), flowLogSeedOf([target().armId]));
    assert.deepEqual(seeded.answersOf({ storage: storageAccount().armId.toLowerCase(), retention: '7' })?.targets.map((item) => item.id), [target().id]);
    assert.equal(flowLogQuestions(script([]).ui, choices()).answersOf({ storage: storageAccount().armId.toLowerCase(), retention: '7' }), undefined, 'without the seed there is no target');
  });
});
