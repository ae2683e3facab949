import assert from 'node:assert/strict';
import type { VmFact } from '../../../../src/wizards/packetCapture/captureFacts';
import { parseByteSize, validateBytesPerPacket, validateCaptureName, validateFilePath, validateIpFilter, validatePortFilter, validateTimeLimit, validateBytesPerSession } from '../../../../src/wizards/packetCapture/checks';
import { gatherPacketCapture, type CaptureQuestionsEstate } from '../../../../src/wizards/packetCapture/gather';
import { AnswerTrail } from '../../../../src/wizards/shared/questions';
import { back, type InputStep, type PickManyStep, type PickStep, type WizardUi } from '../../../../src/wizards/shared/wizardUi';

type Answer = { id: string; value?: unknown; back?: true };

/** Answers by step id in order; an unexpected question fails the test. */
function scripted(answers: Answer[], asked: Array<{ id: string; value?: string; step?: number; totalSteps?: number }>): WizardUi {
  const take = (id: string) => {
    const next = answers.shift();
    assert.ok(next, `unexpected question ${id}`);
    assert.equal(next.id, id);
    return next;
  };
  return {
    pick: <T>(step: PickStep<T>) => {
      asked.push({ id: step.id, step: step.step, totalSteps: step.totalSteps });
      const answer = take(step.id);
      if (answer.back) {
        return Promise.resolve(back);
      }
      const item = step.items.find((candidate) => candidate.value === answer.value || candidate.label === answer.value);
      assert.ok(item, `${step.id} offers no ${String(answer.value)}`);
      return Promise.resolve(item.value);
    },
    pickMany: <T>(_step: PickManyStep<T>) => Promise.reject(new Error('no multi-pick expected')),
    input: (step: InputStep) => {
      asked.push({ id: step.id, value: step.value, step: step.step, totalSteps: step.totalSteps });
      const answer = take(step.id);
      if (answer.back) {
        return Promise.resolve(back);
      }
      const value = String(answer.value);
      assert.equal(step.validate?.(value), undefined, `${step.id} refused ${value}`);
      return Promise.resolve(value);
    },
  };
}

const vmArmId = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-app-01';
const vmFact: VmFact = { armId: vmArmId, name: 'vm-app-01', subscriptionId: 's', tenantId: 't', resourceGroup: 'rg', location: 'germanywestcentral', osType: 'Linux', powerState: 'running', privateIps: ['10.1.2.4'], extensions: [] };
const estate: CaptureQuestionsEstate = {
  vms: [{ armId: vmArmId, name: 'vm-app-01', location: 'germanywestcentral', subscriptionName: 'Prod', privateIps: ['10.1.2.4'] }],
  storageAccounts: [
    { armId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stgwc', name: 'stgwc', location: 'germanywestcentral', subscriptionId: 's', resourceGroup: 'rg' },
    { armId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stuks', name: 'stuks', location: 'uksouth', subscriptionId: 's', resourceGroup: 'rg' },
  ],
  readVm: () => Promise.resolve(vmFact),
};

describe('packet capture questions', () => {
  it('counts the steps the answers lead to: the storage and file questions count as one until the destination is chosen', async () => {
    const tail = [
      { id: 'capture.protocol', value: 'Any' },
      { id: 'capture.localIp', value: '' },
      { id: 'capture.remoteIp', value: '' },
      { id: 'capture.localPort', value: '' },
      { id: 'capture.remotePort', value: '' },
      { id: 'capture.timeLimit', value: '60' },
      { id: 'capture.bytesPerPacket', value: '0' },
      { id: 'capture.bytesPerSession', value: '1073741824' },
      { id: 'capture.name', value: 'pc-1' },
    ];
    const walks: Record<string, Answer[]> = {
      storage: [{ id: 'capture.mode', value: 'advanced' }, { id: 'capture.destination', value: 'storage' }, { id: 'capture.storage', value: 'stgwc' }],
      file: [{ id: 'capture.mode', value: 'advanced' }, { id: 'capture.destination', value: 'file' }, { id: 'capture.filePath', value: '/var/captures/a.cap' }],
      both: [{ id: 'capture.mode', value: 'advanced' }, { id: 'capture.destination', value: 'both' }, { id: 'capture.storage', value: 'stgwc' }, { id: 'capture.filePath', value: '/var/captures/a.cap' }],
    };
    const totals: Record<string, string> = {};
    for (const [name, answers] of Object.entries(walks)) {
      const asked: Array<{ id: string; step?: number; totalSteps?: number }> = [];
      await gatherPacketCapture(scripted([...answers, ...tail.map((answer) => ({ ...answer }))], asked), estate, { vmArmId });
      totals[name] = asked.map((step) => step.totalSteps).join(' ');
      assert.deepEqual(asked.map((step) => step.step), asked.map((_step, index) => index + 1));
    }
    // The mode question counts the settings questions too: "Start with defaults" ends the questions
    // there, so no later step shows a smaller total. Before: 13 for the first question, then 12.
    assert.deepEqual(totals, { storage: '12 12 12 12 12 12 12 12 12 12 12 12', file: '12 12 12 12 12 12 12 12 12 12 12 12', both: '12 12 13 13 13 13 13 13 13 13 13 13 13' });
  });

  it('refuses a deallocated VM before asking anything else', async () => {
    const asked: Array<{ id: string; value?: string }> = [];
    const stopped: CaptureQuestionsEstate = { ...estate, readVm: () => Promise.resolve({ ...vmFact, powerState: 'deallocated' }) };
    await assert.rejects(gatherPacketCapture(scripted([], asked), stopped, { vmArmId }), /vm-app-01 is deallocated: packet capture needs a running VM/);
    assert.deepEqual(asked, []);
    const picked: Array<{ id: string; value?: string }> = [];
    await assert.rejects(gatherPacketCapture(scripted([{ id: 'capture.vm', value: 'vm-app-01' }], picked), stopped), /deallocated/);
    assert.deepEqual(picked.map((step) => step.id), ['capture.vm']);
  });

  it('skips the VM when seeded, offers only storage in the VM region, and builds one filter', async () => {
    const asked: Array<{ id: string; value?: string }> = [];
    const result = await gatherPacketCapture(scripted([
      { id: 'capture.mode', value: 'advanced' },
      { id: 'capture.destination', value: 'storage' },
      { id: 'capture.storage', value: 'stgwc' },
      { id: 'capture.protocol', value: 'TCP' },
      { id: 'capture.localIp', value: '' },
      { id: 'capture.remoteIp', value: '10.1.1.0-10.1.1.255;10.1.3.4' },
      { id: 'capture.localPort', value: '' },
      { id: 'capture.remotePort', value: '443;8080-8090' },
      { id: 'capture.timeLimit', value: '120' },
      { id: 'capture.bytesPerPacket', value: '0' },
      { id: 'capture.bytesPerSession', value: '500 MB' },
      { id: 'capture.name', value: 'pc-app' },
    ], asked), estate, { vmArmId }, new Date(Date.UTC(2025, 2, 1, 10, 5)));
    assert.deepEqual(result, {
      vmArmId,
      destination: 'storage',
      storageArmId: estate.storageAccounts[0].armId,
      filters: [{ protocol: 'TCP', remoteIPAddress: '10.1.1.0-10.1.1.255;10.1.3.4', remotePort: '443;8080-8090' }],
      timeLimitSeconds: 120,
      bytesPerPacket: 0,
      bytesPerSession: 500 * 1024 * 1024,
      name: 'pc-app',
    });
    assert.equal(asked.find((step) => step.id === 'capture.timeLimit')?.value, '300');
    assert.equal(asked.find((step) => step.id === 'capture.bytesPerSession')?.value, '1 GB', 'the size starts as 1 GB, with its unit');
    assert.equal(asked.find((step) => step.id === 'capture.name')?.value, 'vm-app-01-20250301-1005');
  });

  it('asks the VM from the palette, the file path for the VM OS, and Back re-asks the previous question', async () => {
    const asked: Array<{ id: string; value?: string }> = [];
    const result = await gatherPacketCapture(scripted([
      { id: 'capture.vm', value: 'vm-app-01' },
      { id: 'capture.mode', value: 'advanced' },
      { id: 'capture.destination', value: 'file' },
      { id: 'capture.filePath', back: true },
      { id: 'capture.destination', value: 'file' },
      { id: 'capture.filePath', value: '/var/captures/a.cap' },
      { id: 'capture.protocol', value: 'Any' },
      { id: 'capture.localIp', value: '' },
      { id: 'capture.remoteIp', value: '' },
      { id: 'capture.localPort', value: '' },
      { id: 'capture.remotePort', value: '' },
      { id: 'capture.timeLimit', value: '3600' },
      { id: 'capture.bytesPerPacket', value: '0' },
      { id: 'capture.bytesPerSession', value: '1073741824' },
      { id: 'capture.name', value: 'pc-a' },
    ], asked), estate);
    assert.equal(result?.destination, 'file');
    assert.equal(result?.filePath, '/var/captures/a.cap');
    assert.deepEqual(result?.filters, []);
    assert.equal(asked.filter((step) => step.id === 'capture.destination').length, 2);
    assert.equal(asked.find((step) => step.id === 'capture.filePath')?.value, '/var/captures/capture.cap');
  });
  it('asks again what belonged to the VM when Back leads to another VM: its region\'s account, its address as the local filter, the name made from it', async () => {
    const ukArmId = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-uk-01';
    const twoVms: CaptureQuestionsEstate = {
      ...estate,
      vms: [...estate.vms, { armId: ukArmId, name: 'vm-uk-01', location: 'uksouth', subscriptionName: 'Prod', privateIps: ['10.9.0.4'] }],
      readVm: (armId) => Promise.resolve(armId === ukArmId ? { ...vmFact, armId: ukArmId, name: 'vm-uk-01', location: 'uksouth', privateIps: ['10.9.0.4'] } : vmFact),
    };
    const now = new Date(Date.UTC(2025, 2, 1, 10, 5));
    const forward = (vm: string, storage: string, localIp: string): Answer[] => [
      { id: 'capture.vm', value: vm },
      { id: 'capture.mode', value: 'advanced' },
      { id: 'capture.destination', value: 'storage' },
      { id: 'capture.storage', value: storage },
      { id: 'capture.protocol', value: 'TCP' },
      { id: 'capture.localIp', value: localIp },
      { id: 'capture.remoteIp', value: '' },
      { id: 'capture.localPort', value: '' },
      { id: 'capture.remotePort', value: '443' },
      { id: 'capture.timeLimit', value: '60' },
      { id: 'capture.bytesPerPacket', value: '0' },
      { id: 'capture.bytesPerSession', value: '1 GB' },
    ];
    const trail = new AnswerTrail();
    await gatherPacketCapture(scripted([...forward('vm-app-01', 'stgwc', '10.1.2.4'), { id: 'capture.name', value: 'vm-app-01-20250301-1005' }], []), twoVms, {}, now, trail);
    // Back from the review to the name, then Back to the VM question.
    const backs: Answer[] = ['capture.name', 'capture.bytesPerSession', 'capture.bytesPerPacket', 'capture.timeLimit', 'capture.remotePort', 'capture.localPort', 'capture.remoteIp', 'capture.localIp', 'capture.protocol', 'capture.storage', 'capture.destination', 'capture.mode'].map((id) => ({ id, back: true }));
    const asked: Array<{ id: string; value?: string }> = [];
    const result = await gatherPacketCapture(scripted([...backs, ...forward('vm-uk-01', 'stuks', ''), { id: 'capture.name', value: 'vm-uk-01-20250301-1005' }], asked), twoVms, {}, now, trail);
    const second = asked.slice(backs.length);
    assert.equal(second.find((step) => step.id === 'capture.localIp')?.value, '', 'the old VM\'s address is not the new VM\'s filter');
    assert.equal(second.find((step) => step.id === 'capture.name')?.value, 'vm-uk-01-20250301-1005', 'the name is made from the new VM');
    assert.equal(second.find((step) => step.id === 'capture.remotePort')?.value, '443', 'answers about the traffic are kept');
    assert.equal(result?.storageArmId, twoVms.storageAccounts[1].armId);
    assert.equal(result?.name, 'vm-uk-01-20250301-1005');
  });
});

describe('packet capture defaults', () => {
  it('starts with the defaults in one step after the VM: 5 min, 1 GB, all traffic, to the storage account in its region', async () => {
    const asked: Array<{ id: string; value?: string; step?: number; totalSteps?: number }> = [];
    let offered = '';
    const ui = scripted([{ id: 'capture.vm', value: 'vm-app-01' }, { id: 'capture.mode', value: 'defaults' }], asked);
    const pick = ui.pick.bind(ui);
    ui.pick = (step) => {
      if (step.id === 'capture.mode') {
        offered = `${step.items[0].label}: ${step.items[0].description ?? ''}`;
      }
      return pick(step);
    };
    const result = await gatherPacketCapture(ui, estate, {}, new Date(Date.UTC(2025, 2, 1, 10, 5)));
    assert.equal(offered, 'Start with defaults: 5 min, 1 GB, all traffic, to stgwc');
    assert.deepEqual(asked.map((step) => step.id), ['capture.vm', 'capture.mode'], 'nothing else is asked');
    assert.deepEqual(result, {
      vmArmId,
      destination: 'storage',
      storageArmId: estate.storageAccounts[0].armId,
      filters: [],
      timeLimitSeconds: 300,
      bytesPerPacket: 0,
      bytesPerSession: 1073741824,
      name: 'vm-app-01-20250301-1005',
    });
  });

  it('keeps the file on the VM when no storage account is in its region', async () => {
    const noStorage: CaptureQuestionsEstate = { ...estate, storageAccounts: estate.storageAccounts.filter((account) => account.location !== 'germanywestcentral') };
    const result = await gatherPacketCapture(scripted([{ id: 'capture.mode', value: 'Start with defaults' }], []), noStorage, { vmArmId }, new Date(Date.UTC(2025, 2, 1, 10, 5)));
    assert.equal(result?.destination, 'file');
    assert.equal(result?.filePath, '/var/captures/vm-app-01-20250301-1005.cap');
    assert.equal(result?.storageArmId, undefined);
    assert.equal(validateFilePath(result?.filePath ?? '', 'Linux'), undefined, 'a path Network Watcher accepts');
  });
});

describe('packet capture validators', () => {
  it('reads sizes with units, bytes as before, and says what is wrong with a size', () => {
    assert.deepEqual(parseByteSize('1 GB'), { bytes: 1073741824 });
    assert.deepEqual(parseByteSize('1073741824'), { bytes: 1073741824 });
    assert.deepEqual(parseByteSize('500 MB'), { bytes: 524288000 });
    assert.deepEqual(parseByteSize('500mb'), { bytes: 524288000 });
    assert.deepEqual(parseByteSize('1.5 GB'), { bytes: 1610612736 });
    assert.deepEqual(parseByteSize('64 KiB'), { bytes: 65536 });
    assert.equal(validateBytesPerSession('1 GB'), undefined);
    assert.equal(validateBytesPerSession('4294967295'), undefined);
    assert.equal(
      validateBytesPerSession('4 GB'),
      'The total bytes per capture must be from 1 byte to 4294967295 bytes (just under 4 GB); "4 GB" is 4294967296 bytes (4 GB).',
    );
    assert.equal(validateBytesPerSession('12 XB'), 'The total bytes per capture: "XB" in "12 XB" is not a unit: use B, KB, MB or GB (1 GB = 1024 MB).');
    assert.equal(validateBytesPerSession('a lot'), 'The total bytes per capture: "a lot" is not a size: write a number of bytes (1073741824) or a number with a unit (500 MB, 1 GB).');
    assert.match(validateBytesPerSession('1.5') ?? '', /not a whole number of bytes/);
    assert.match(validateBytesPerSession('') ?? '', /Enter a size/);
    assert.match(validateBytesPerSession('0') ?? '', /from 1 byte/);
    assert.equal(validateBytesPerPacket('0'), undefined, '0 keeps whole packets');
    assert.equal(validateBytesPerPacket('1 KB'), undefined);
  });
});

describe('packet capture validators (API limits)', () => {
  it('accepts what the API accepts and names what is wrong', () => {
    assert.equal(validateFilePath('/var/captures/x.cap', 'Linux'), undefined);
    assert.equal(validateFilePath('/var/captures/sub/x.cap', 'Linux'), undefined);
    assert.match(validateFilePath('/tmp/x.cap', 'Linux') ?? '', /under \/var\/captures/);
    assert.match(validateFilePath('/var/captures/x.pcap', 'Linux') ?? '', /end in \.cap/);
    assert.equal(validateFilePath('C:\\captures\\x.cap', 'Windows'), undefined);
    assert.match(validateFilePath('C:/captures/x.cap', 'Windows') ?? '', /local path/);
    assert.match(validateFilePath('/var/captures/x.cap', 'Windows') ?? '', /local path/);
    assert.equal(validateIpFilter('10.0.0.1'), undefined);
    assert.equal(validateIpFilter('10.0.0.1-10.0.0.20;192.168.1.1'), undefined);
    assert.equal(validateIpFilter('fd00::1'), undefined);
    assert.match(validateIpFilter('10.0.0.300') ?? '', /not an IP address/);
    assert.match(validateIpFilter('10.0.0.9-10.0.0.1') ?? '', /ends before it starts/);
    assert.match(validateIpFilter('10.0.0.1-fd00::1') ?? '', /mixes IPv4 and IPv6/);
    assert.equal(validatePortFilter('80;443;1000-2000'), undefined);
    assert.match(validatePortFilter('70000') ?? '', /65535/);
    assert.match(validatePortFilter('90-80') ?? '', /ends before/);
    assert.match(validatePortFilter('http') ?? '', /not a port/);
    assert.equal(validateTimeLimit('18000'), undefined);
    assert.match(validateTimeLimit('0') ?? '', /from 1 to 18000/);
    assert.match(validateTimeLimit('18001') ?? '', /from 1 to 18000/);
    assert.match(validateBytesPerSession('4294967296') ?? '', /4294967295/);
    assert.equal(validateCaptureName('pc-web_1.a'), undefined);
    assert.match(validateCaptureName('-pc') ?? '', /start with a letter/);
    assert.match(validateCaptureName('a'.repeat(81)) ?? '', /at most 80/);
  });
});
