import assert from 'node:assert/strict';
import { gatherTap, tapRequirements } from '../../../../src/wizards/tap/gather';
import { back, type InputStep, type PickItem, type PickManyStep, type PickStep, type WizardUi } from '../../../../src/wizards/shared/wizardUi';
import { armId, estate, key, lbDestination, nicDestination, peering, sourceNic, subnet, tap, vnet } from './builders';

type Answer = { id: string; pick?: string | string[]; input?: string; back?: true };

/** Answers from a script; an unexpected question fails. Records the steps it saw. */
interface Seen {
  id: string;
  value?: string;
  picked?: string[];
  /** A pick's placeholder and its first item's value (what Enter alone takes). */
  placeholder?: string;
  first?: unknown;
  title: string;
  /** "2/5" */
  steps: string;
  items?: PickItem<unknown>[];
  noDefault?: boolean;
}

function scripted(script: Answer[]): WizardUi & { seen: Seen[] } {
  const seen: Seen[] = [];
  const next = (id: string): Answer => {
    const answer = script.shift();
    assert.equal(answer?.id, id, `unexpected question ${id}`);
    return answer!;
  };
  const choose = <T>(step: PickStep<T>, label: string): T => {
    const item = step.items.find((candidate) => candidate.label === label || candidate.value === label);
    assert.ok(item, `${step.id} has no item ${label}: ${step.items.map((candidate) => candidate.label).join(', ')}`);
    return item.value;
  };
  return {
    seen,
    async pick<T>(step: PickStep<T>) {
      seen.push({ id: step.id, placeholder: step.placeholder, first: step.items[0]?.value, title: step.title, steps: `${step.step}/${step.totalSteps}`, items: step.items, noDefault: step.noDefault ?? false });
      const answer = next(step.id);
      return answer.back ? back : choose(step, answer.pick as string);
    },
    async pickMany<T>(step: PickManyStep<T>) {
      seen.push({ id: step.id, picked: step.items.filter((item) => item.picked).map((item) => item.label), title: step.title, steps: `${step.step}/${step.totalSteps}`, items: step.items });
      const answer = next(step.id);
      return answer.back ? back : (answer.pick as string[]).map((label) => choose(step, label));
    },
    async input(step: InputStep) {
      seen.push({ id: step.id, value: step.value, title: step.title, steps: `${step.step}/${step.totalSteps}` });
      const answer = next(step.id);
      if (answer.back) {
        return back;
      }
      const value = answer.input ?? step.value ?? '';
      assert.equal(step.validate?.(value), undefined);
      return value;
    },
  };
}

describe('TAP questions', () => {
  it('asks for a new TAP on an ILB frontend with defaults, and Back re-asks the previous question', async () => {
    const ui = scripted([
      { id: 'tap.destinationKind', pick: 'loadBalancer' },
      { id: 'tap.destination', pick: 'ilb-collectors › fe-collectors' },
      { id: 'tap.name', back: true },
      { id: 'tap.destination', pick: 'ilb-collectors › fe-collectors' },
      { id: 'tap.name' },
      { id: 'tap.sources', pick: ['nic-web-02'] },
      { id: 'tap.configurationName' },
      { id: 'tap.restartVms', pick: 'no' },
    ]);
    const answers = await gatherTap(ui, estate(), { nicIds: [key(armId.nic('nic-web-02'))] });
    assert.deepEqual(answers, {
      destinationKind: 'loadBalancer',
      destinationId: lbDestination().id,
      tap: { kind: 'new', name: 'vtap-ilb-collectors' },
      sourceIds: [key(armId.nic('nic-web-02'))],
      configurationName: 'tapcfg-vtap-ilb-collectors',
      addNsgRule: false,
      restartVms: false,
    });
    assert.deepEqual(ui.seen.find((step) => step.id === 'tap.sources')?.picked, ['nic-web-02'], 'pre-picked from the selection');
    const restart = ui.seen.find((step) => step.id === 'tap.restartVms');
    assert.equal(restart?.first, 'no', 'Enter alone does not plan downtime');
    assert.match(restart?.placeholder ?? '', /^Restart the source VMs\?/, 'the question comes first, where a narrow quick pick still shows it');
  });

  it('suggests the TAP and configuration names anew when Back leads to another destination, and keeps names the user typed', async () => {
    const backToKind = [
      { id: 'tap.restartVms', back: true },
      { id: 'tap.configurationName', back: true },
      { id: 'tap.sources', back: true },
      { id: 'tap.name', back: true },
      { id: 'tap.destination', back: true },
    ] as const;
    /** To the load balancer, Back to the kind, then to the collector NIC with a new TAP; the first names as given. */
    const walk = (name: { input?: string }, configurationName: { input?: string }) => scripted([
      { id: 'tap.destinationKind', pick: 'loadBalancer' },
      { id: 'tap.destination', pick: 'ilb-collectors › fe-collectors' },
      { id: 'tap.name', ...name },
      { id: 'tap.sources', pick: ['nic-web-02'] },
      { id: 'tap.configurationName', ...configurationName },
      ...backToKind,
      { id: 'tap.destinationKind', pick: 'nic' },
      { id: 'tap.destination', pick: 'nic-collector-01 › ipconfig1' },
      { id: 'tap.tap', pick: 'New virtual network TAP…' },
      { id: 'tap.name' },
      { id: 'tap.sources', pick: ['nic-web-02'] },
      { id: 'tap.configurationName' },
      { id: 'tap.restartVms', pick: 'no' },
    ]);
    const suggested = walk({}, {});
    const answers = await gatherTap(suggested, estate());
    const names = suggested.seen.filter((step) => step.id === 'tap.name' || step.id === 'tap.configurationName').map((step) => step.value);
    // Answered, then shown again on the way Back, then asked for the new destination.
    assert.deepEqual([...names.slice(0, 2), ...names.slice(-2)], ['vtap-ilb-collectors', 'tapcfg-vtap-ilb-collectors', 'vtap-nic-collector-01', 'tapcfg-vtap-nic-collector-01']);
    assert.deepEqual(answers?.tap, { kind: 'new', name: 'vtap-nic-collector-01' });
    const typed = walk({ input: 'vtap-mine' }, { input: 'cfg-mine' });
    const kept = await gatherTap(typed, estate());
    assert.deepEqual([kept?.tap, kept?.configurationName], [{ kind: 'new', name: 'vtap-mine' }, 'cfg-mine']);
  });

  it('skips destination questions when seeded with a TAP, and offers reuse when a TAP already sends to the destination', async () => {
    const seeded = await gatherTap(scripted([{ id: 'tap.sources', pick: ['nic-app-01'] }, { id: 'tap.configurationName' }, { id: 'tap.restartVms', pick: 'yes' }]), estate(), { tapId: key(armId.tap('vtap-collectors')) });
    assert.deepEqual(seeded?.tap, { kind: 'existing', id: key(armId.tap('vtap-collectors')) });
    assert.equal(seeded?.restartVms, true);
    const reuse = await gatherTap(
      scripted([
        { id: 'tap.destinationKind', pick: 'nic' },
        { id: 'tap.destination', pick: 'nic-collector-01 › ipconfig1' },
        { id: 'tap.tap', pick: 'vtap-collectors' },
        { id: 'tap.sources', pick: ['nic-web-02'] },
        { id: 'tap.configurationName', input: 'cfg-1' },
        { id: 'tap.restartVms', pick: 'no' },
      ]),
      estate(),
    );
    assert.deepEqual(reuse?.tap, { kind: 'existing', id: key(armId.tap('vtap-collectors')) });
    assert.equal(reuse?.configurationName, 'cfg-1');
  });

  it('returns undefined when cancelled or backed out of the first question', async () => {
    const cancelling: WizardUi = { pick: async () => undefined, pickMany: async () => undefined, input: async () => undefined };
    assert.equal(await gatherTap(cancelling, estate()), undefined);
    assert.equal(await gatherTap(scripted([{ id: 'tap.destinationKind', back: true }]), estate()), undefined);
  });

  it('lists likely collectors first, with subscription, VM and VNet, and no workload NIC first', async () => {
    const workload = nicDestination({ id: 'web-ip', label: 'nic-web-02 › ipconfig1', parentName: 'nic-web-02', vmName: 'vm-web-02', subscriptionName: 'Contoso Workload Prod', subnetId: key(armId.subnet('vnet-spoke', 'snet-web')) });
    const jump = nicDestination({ id: 'jump-ip', label: 'nic-jump-01 › ipconfig1', parentName: 'nic-jump-01', vmName: 'vm-jump-01', subscriptionName: 'Contoso Security Hub' });
    const tagged = nicDestination({ id: 'tagged-ip', label: 'nic-x-01 › ipconfig1', parentName: 'nic-x-01', vmName: 'vm-x-01', subscriptionName: 'Contoso Workload Prod', tags: { role: 'ndr-sensor' } });
    const collector = nicDestination({ vmName: 'vm-collector-01', subscriptionName: 'Contoso Workload Prod' });
    const ui = scripted([{ id: 'tap.destinationKind', pick: 'nic' }, { id: 'tap.destination', back: true }, { id: 'tap.destinationKind', back: true }]);
    await gatherTap(ui, estate({ destinations: [workload, jump, collector, tagged, lbDestination()] }));
    const items = ui.seen.find((step) => step.id === 'tap.destination')?.items ?? [];
    assert.deepEqual(
      items.map((item) => `${item.group}: ${item.label}`),
      ['Likely collectors: nic-collector-01 › ipconfig1', 'Likely collectors: nic-x-01 › ipconfig1', 'Likely collectors: nic-jump-01 › ipconfig1', 'Other network interfaces: nic-web-02 › ipconfig1'],
      'named or tagged before a mere hub subscription',
    );
    assert.deepEqual(items.map((item) => item.detail?.split(' · ').slice(0, 2).join(' · ')), [
      'Likely collector: named as a collector · Contoso Workload Prod',
      'Likely collector: tagged as a collector · Contoso Workload Prod',
      'Likely collector: hub or security subscription · Contoso Security Hub',
      'Contoso Workload Prod · resource group rg-net',
    ]);
    assert.equal(items[3].description, '10.0.1.4 · VM vm-web-02 · VNet vnet-spoke');
    assert.deepEqual(items.filter((item) => item.picked), [], 'nothing pre-selected: Enter takes the first, a likely collector');
    assert.equal(ui.seen.find((step) => step.id === 'tap.destination')?.noDefault, false);

    const workloadOnly = scripted([{ id: 'tap.destinationKind', pick: 'nic' }, { id: 'tap.destination', back: true }, { id: 'tap.destinationKind', back: true }]);
    await gatherTap(workloadOnly, estate({ destinations: [workload] }));
    const step = workloadOnly.seen.find((seen) => seen.id === 'tap.destination');
    assert.deepEqual(step?.items?.map((item) => `${item.group}: ${item.label}`), ['Network interfaces: nic-web-02 › ipconfig1']);
    assert.equal(step?.noDefault, true, 'no likely collector: Enter alone picks no workload NIC');

    const publicOnly = scripted([{ id: 'tap.destinationKind', pick: 'loadBalancer' }, { id: 'tap.destination', back: true }, { id: 'tap.destinationKind', back: true }]);
    await gatherTap(publicOnly, estate({ destinations: [lbDestination({ isPublic: true })] }));
    assert.deepEqual(publicOnly.seen.find((seen) => seen.id === 'tap.destination')?.items?.map((item) => `${item.group}: ${item.label}`), ['Load balancer frontends: ilb-collectors › fe-collectors'], 'a public frontend is no likely collector');
  });

  it('marks the sources that cannot be mirrored to the destination, with the reason, after the others', async () => {
    const base = estate();
    const ui = scripted([
      { id: 'tap.destinationKind', pick: 'nic' },
      { id: 'tap.destination', pick: 'nic-collector-01 › ipconfig1' },
      { id: 'tap.tap', pick: 'vtap-collectors' },
      { id: 'tap.sources', pick: ['nic-lonely-01'] },
      { id: 'tap.configurationName' },
      { id: 'tap.restartVms', pick: 'no' },
    ]);
    const answers = await gatherTap(
      ui,
      estate({
        nics: [
          ...base.nics,
          sourceNic('nic-west-01', { location: 'westus' }),
          sourceNic('nic-other-01', { tenantId: 'tenant-2' }),
          sourceNic('nic-busy-01', { tapConfigurations: [{ id: 'busy-cfg', armId: 'busy-cfg', name: 'cfg', tapId: key(armId.tap('vtap-other')) }] }),
        ],
        taps: [tap('vtap-collectors'), tap('vtap-other', { destinationId: 'elsewhere' })],
      }),
    );
    assert.deepEqual(answers?.sourceIds, [key(armId.nic('nic-lonely-01'))], 'a marked NIC can still be picked: the plan then says what fixes it');
    const items = ui.seen.find((step) => step.id === 'tap.sources')?.items ?? [];
    assert.deepEqual(
      items.map((item) => `${item.group}: ${item.label}${item.detail?.startsWith('$(warning)') ? ` (${item.detail.replace("$(warning) Can't be mirrored: ", '')})` : ''}`),
      [
        'Network interfaces: nic-web-02',
        'Network interfaces: nic-app-01',
        "Can't be mirrored to nic-collector-01: nic-lonely-01 (VNet vnet-lonely not peered with vnet-hub)",
        "Can't be mirrored to nic-collector-01: nic-west-01 (in westus, the TAP in eastus)",
        "Can't be mirrored to nic-collector-01: nic-other-01 (in another tenant)",
        "Can't be mirrored to nic-collector-01: nic-busy-01 (already mirrored into vtap-other)",
      ],
    );
  });

  it('marks a source whose peering with the destination VNet is not Connected', async () => {
    const base = estate();
    const ui = scripted([{ id: 'tap.destinationKind', pick: 'loadBalancer' }, { id: 'tap.destination', pick: 'ilb-collectors › fe-collectors' }, { id: 'tap.name' }, { id: 'tap.sources', back: true }, { id: 'tap.name', back: true }, { id: 'tap.destination', back: true }, { id: 'tap.destinationKind', back: true }]);
    await gatherTap(ui, { ...base, vnets: [vnet('vnet-hub', [subnet('vnet-hub', 'snet-collectors', 'nsg-collectors')], [peering('vnet-hub', 'vnet-spoke', 'Initiated')]), ...base.vnets.slice(1)] });
    const web = ui.seen.find((step) => step.id === 'tap.sources')?.items?.find((item) => item.label === 'nic-web-02');
    assert.equal(web?.detail, "$(warning) Can't be mirrored: peering vnet-spoke ↔ vnet-hub not Connected");
  });

  it('says what a TAP needs in the first question only, and counts steps without going backwards', async () => {
    const ui = scripted([
      { id: 'tap.destinationKind', pick: 'nic' },
      { id: 'tap.destination', pick: 'nic-collector-01 › ipconfig1' },
      { id: 'tap.tap', pick: 'vtap-collectors' },
      { id: 'tap.sources', pick: ['nic-web-02'] },
      { id: 'tap.configurationName' },
      { id: 'tap.restartVms', pick: 'no' },
    ]);
    await gatherTap(ui, estate());
    assert.equal(ui.seen[0].title, `Mirror Traffic to a Collector — ${tapRequirements}`);
    assert.equal(tapRequirements, 'preview regions, VM restart, UDP 4789, one TAP per NIC');
    assert.deepEqual(new Set(ui.seen.slice(1).map((step) => step.title)), new Set(['Mirror Traffic to a Collector']));
    // Before: 1/5, 2/5, 3/6, 4/5, 5/6, 6/6 (the TAP and name questions were both counted until one was answered).
    assert.deepEqual(ui.seen.map((step) => step.steps), ['1/5', '2/5', '3/5', '4/5', '5/6', '6/6']);

    const seeded = scripted([{ id: 'tap.sources', pick: ['nic-app-01'] }, { id: 'tap.configurationName' }, { id: 'tap.restartVms', pick: 'no' }]);
    await gatherTap(seeded, estate(), { tapId: key(armId.tap('vtap-collectors')) });
    assert.match(seeded.seen[0].title, /— preview regions/, 'the first question asked says it, whichever it is');
    assert.deepEqual(seeded.seen.map((step) => step.steps), ['1/2', '2/3', '3/3']);
  });
});
