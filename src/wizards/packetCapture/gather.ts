/**
 * The packet-capture wizard's questions: VM (skipped when started from a NIC or VM row), then
 * "Start with defaults" (5 minutes, 1 GB, all traffic, to a storage account in the VM's region, or
 * to a file on the VM when there is none) or the advanced questions: destination, storage account
 * and/or file path, a 5-tuple filter, limits (sizes with units) and the name. Back re-asks the
 * previous question with its old answer.
 */
import { askQuestions, type AnswerTrail, type Question } from '../shared/questions';
import { back, type PickItem, type WizardUi } from '../shared/wizardUi';
import { defaults, type CaptureAnswers, type CaptureDestination, type CaptureFilter, type CaptureStorageFact, type VmFact } from './captureFacts';
import { defaultNetworkName } from '../shared/networkNames';
import { premiumStorageReason } from '../shared/storageTier';
import {
  bytesPerSessionPrompt,
  checkVmRunning,
  describeBytes,
  parseByteSize,
  timeLimitPrompt,
  validateBytesPerPacket,
  validateBytesPerSession,
  validateCaptureName,
  validateFilePath,
  validateIpFilter,
  validatePortFilter,
  validateTimeLimit,
} from './checks';

/** A VM the wizard can capture on (from the NICs of the shown subscriptions). */
export interface VmChoice {
  armId: string;
  name: string;
  location: string;
  subscriptionName: string;
  privateIps: string[];
}

/** What the questions need: VMs, storage accounts, and the VM's details (read once it is picked). */
export interface CaptureQuestionsEstate {
  vms: VmChoice[];
  storageAccounts: CaptureStorageFact[];
  readVm(vmArmId: string): Promise<VmFact>;
}

export interface CaptureSeed {
  vmArmId?: string;
}

/** `defaults` takes the defaults in one step; `advanced` asks everything. */
export type CaptureMode = 'defaults' | 'advanced';

interface Draft {
  vmArmId?: string;
  mode?: CaptureMode;
  destination?: CaptureDestination;
  storageArmId?: string;
  filePath?: string;
  protocol?: CaptureFilter['protocol'];
  localIPAddress?: string;
  remoteIPAddress?: string;
  localPort?: string;
  remotePort?: string;
  timeLimitSeconds?: string;
  bytesPerPacket?: string;
  bytesPerSession?: string;
  name?: string;
}

const title = 'Start Packet Capture';

/** A name from the VM and the time: `vm-web-01-20250301-1000`. */
export function defaultCaptureName(vmName: string, now: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}-${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}`;
  return defaultNetworkName(`${vmName}-${stamp}`);
}

/** The storage account the defaults upload to: in the VM's region, in the VM's subscription first. */
export function defaultCaptureStorage(accounts: readonly CaptureStorageFact[], vm: Pick<VmFact, 'location' | 'subscriptionId'>): CaptureStorageFact | undefined {
  // A premium account cannot store captures, so the defaults never pick one.
  const inRegion = accounts.filter((account) => account.location.toLowerCase() === vm.location.toLowerCase() && premiumStorageReason(account) === undefined);
  return inRegion.find((account) => account.subscriptionId.toLowerCase() === vm.subscriptionId.toLowerCase()) ?? inRegion[0];
}

/** Where the defaults keep the file when no storage account is in the VM's region. */
export function defaultCaptureFilePath(osType: VmFact['osType'], name: string): string {
  return osType === 'Windows' ? `C:\\captures\\${name}.cap` : `/var/captures/${name}.cap`;
}

function minutes(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/** `5 min, 1 GB, all traffic, to sthubflowlogsgwc01`: what "Start with defaults" does. */
export function describeCaptureDefaults(storage: CaptureStorageFact | undefined, filePath: string): string {
  const size = describeBytes(defaults.bytesPerSession).replace(/^.*\((.*)\)$/, '$1');
  return `${minutes(defaults.timeLimitSeconds)}, ${size}, all traffic, to ${storage ? storage.name : `${filePath} on the VM (no storage account in its region)`}`;
}

/**
 * A VM known not to be running can't be captured: said before the other questions rather than in
 * the plan. A VM that could not be read goes on; its plan reports why.
 */
async function refuseStoppedVm(estate: CaptureQuestionsEstate, vmArmId: string): Promise<void> {
  const vm = await estate.readVm(vmArmId).catch(() => undefined);
  const check = vm && vm.powerState !== 'unknown' ? checkVmRunning(vm) : undefined;
  if (check?.status === 'failed') {
    throw new Error(check.detail);
  }
}

/** Asks the questions; `undefined` when cancelled. */
export async function gatherPacketCapture(ui: WizardUi, estate: CaptureQuestionsEstate, seed: CaptureSeed = {}, now = new Date(), trail?: AnswerTrail): Promise<CaptureAnswers | undefined> {
  let draft: Draft = seed.vmArmId ? { vmArmId: seed.vmArmId } : {};
  const vmOf = (current: Draft) => estate.vms.find((vm) => vm.armId.toLowerCase() === current.vmArmId?.toLowerCase());
  const input = async (current: Draft, step: { step: number; totalSteps: number }, id: string, key: keyof Draft, prompt: string, validate: (value: string) => string | undefined, fallback = '', placeholder?: string) => {
    const answer = await ui.input({ id, title, ...step, prompt, value: current[key] ?? fallback, ...(placeholder ? { placeholder } : {}), validate });
    return answer === back || answer === undefined ? answer : { ...current, [key]: answer.trim() };
  };
  const seededVm = seed.vmArmId !== undefined;
  // Back to the VM and another one picked: what belonged to the old VM (an account in its region,
  // its own address as the local filter, the name made from it) is asked again, not carried over.
  const forAnotherVm = (current: Draft, vmArmId: string): Draft => {
    const { storageArmId: _storage, localIPAddress, name, ...kept } = current;
    const oldVm = vmOf(current);
    return {
      ...kept,
      vmArmId,
      ...(localIPAddress !== undefined && !oldVm?.privateIps.includes(localIPAddress) ? { localIPAddress } : {}),
      ...(name !== undefined && name !== defaultCaptureName(oldVm?.name ?? 'capture', now) ? { name } : {}),
    };
  };
  if (seed.vmArmId !== undefined) {
    await refuseStoppedVm(estate, seed.vmArmId);
  }

  const questions: Question<Draft>[] = [
    {
      id: 'capture.vm',
      shouldAsk: () => !seededVm,
      ask: async (current, step) => {
        const answer = await ui.pick<string>({
          id: 'capture.vm',
          title,
          ...step,
          placeholder: 'Which virtual machine\u2019s traffic should be captured?',
          items: estate.vms.map((vm) => ({
            label: vm.name,
            description: [vm.privateIps[0], vm.location].filter(Boolean).join(' · '),
            detail: vm.subscriptionName,
            value: vm.armId,
            picked: vm.armId === current.vmArmId,
          })),
          emptyMessage: 'No virtual machines in the subscriptions the view shows.',
        });
        if (answer === back || answer === undefined) {
          return answer;
        }
        await refuseStoppedVm(estate, answer);
        return answer === current.vmArmId ? current : forAnotherVm(current, answer);
      },
    },
    {
      id: 'capture.mode',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const vm = await estate.readVm(current.vmArmId ?? '');
        const storage = defaultCaptureStorage(estate.storageAccounts, vm);
        const name = defaultCaptureName(vm.name, now);
        const items: PickItem<CaptureMode>[] = [
          { label: 'Start with defaults', description: describeCaptureDefaults(storage, defaultCaptureFilePath(vm.osType, name)), detail: `Named ${name}; the plan is shown before anything starts.`, value: 'defaults', picked: current.mode !== 'advanced' },
          { label: 'Choose settings\u2026', description: 'Destination, filter on protocol, addresses and ports, time and size limits, name', value: 'advanced', picked: current.mode !== 'defaults' },
        ];
        const answer = await ui.pick<CaptureMode>({ id: 'capture.mode', title, ...step, placeholder: `Capture on ${vm.name}: start with the defaults, or choose the settings`, items });
        return answer === back || answer === undefined ? answer : { ...current, mode: answer };
      },
    },
    {
      id: 'capture.destination',
      shouldAsk: (current) => current.mode !== 'defaults',
      ask: async (current, step) => {
        const items: PickItem<CaptureDestination>[] = [
          { label: 'Storage account', description: 'Upload the .cap file to a storage account in the VM\u2019s region', value: 'storage', picked: current.destination === 'storage' },
          { label: 'File on the VM', description: 'Keep the .cap file on the VM\u2019s disk', value: 'file', picked: current.destination === 'file' },
          { label: 'Both', description: 'Upload it and keep a copy on the VM', value: 'both', picked: current.destination === 'both' },
        ];
        const answer = await ui.pick<CaptureDestination>({ id: 'capture.destination', title, ...step, placeholder: 'Where should the capture file go?', items });
        return answer === back || answer === undefined ? answer : { ...current, destination: answer };
      },
    },
    {
      id: 'capture.storage',
      // Before the destination is chosen this stands in for the storage or the file question: one of them is asked.
      shouldAsk: (current) => current.mode !== 'defaults' && current.destination !== 'file',
      ask: async (current, step) => {
        const vm = await estate.readVm(current.vmArmId ?? '');
        const answer = await ui.pick<string>({
          id: 'capture.storage',
          title,
          ...step,
          placeholder: `Storage account in ${vm.location} for the capture file`,
          items: estate.storageAccounts
            .filter((account) => account.location.toLowerCase() === vm.location.toLowerCase())
            .map((account) => ({
              label: account.name,
              description: [account.location, premiumStorageReason(account) === undefined ? undefined : 'premium: not supported for packet captures'].filter(Boolean).join(' · '),
              detail: `resource group ${account.resourceGroup}`,
              value: account.armId,
              picked: account.armId === current.storageArmId,
            })),
          emptyMessage: `No storage account in ${vm.location} in the subscriptions the view shows: create one there, or keep the file on the VM.`,
        });
        return answer === back || answer === undefined ? answer : { ...current, storageArmId: answer };
      },
    },
    {
      id: 'capture.filePath',
      shouldAsk: (current) => current.mode !== 'defaults' && (current.destination === 'file' || current.destination === 'both'),
      ask: async (current, step) => {
        const vm = await estate.readVm(current.vmArmId ?? '');
        const example = vm.osType === 'Windows' ? 'C:\\captures\\capture.cap' : '/var/captures/capture.cap';
        return input(current, step, 'capture.filePath', 'filePath', `Path of the .cap file on ${vm.name} (${vm.osType})`, (value) => validateFilePath(value.trim(), vm.osType), example, example);
      },
    },
    {
      id: 'capture.protocol',
      shouldAsk: (current) => current.mode !== 'defaults',
      ask: async (current, step) => {
        const answer = await ui.pick<CaptureFilter['protocol']>({
          id: 'capture.protocol',
          title,
          ...step,
          placeholder: 'Which protocol?',
          items: (['Any', 'TCP', 'UDP'] as const).map((protocol) => ({ label: protocol, value: protocol, picked: (current.protocol ?? 'Any') === protocol })),
        });
        return answer === back || answer === undefined ? answer : { ...current, protocol: answer };
      },
    },
    {
      id: 'capture.localIp',
      shouldAsk: (current) => current.mode !== 'defaults',
      ask: (current, step) => input(current, step, 'capture.localIp', 'localIPAddress', 'Local IP address filter (empty for any): an address, a range a-b, or several separated by ;', validateIpFilter, '', vmOf(current)?.privateIps[0]),
    },
    {
      id: 'capture.remoteIp',
      shouldAsk: (current) => current.mode !== 'defaults',
      ask: (current, step) => input(current, step, 'capture.remoteIp', 'remoteIPAddress', 'Remote IP address filter (empty for any): an address, a range a-b, or several separated by ;', validateIpFilter, '', '10.0.0.0-10.255.255.255'),
    },
    {
      id: 'capture.localPort',
      shouldAsk: (current) => current.mode !== 'defaults',
      ask: (current, step) => input(current, step, 'capture.localPort', 'localPort', 'Local port filter (empty for any): a port, a range 80-120, or several separated by ;', validatePortFilter, '', '443'),
    },
    {
      id: 'capture.remotePort',
      shouldAsk: (current) => current.mode !== 'defaults',
      ask: (current, step) => input(current, step, 'capture.remotePort', 'remotePort', 'Remote port filter (empty for any): a port, a range 80-120, or several separated by ;', validatePortFilter, '', '1024-65535'),
    },
    {
      id: 'capture.timeLimit',
      shouldAsk: (current) => current.mode !== 'defaults',
      ask: (current, step) => input(current, step, 'capture.timeLimit', 'timeLimitSeconds', timeLimitPrompt, validateTimeLimit, String(defaults.timeLimitSeconds)),
    },
    {
      id: 'capture.bytesPerPacket',
      shouldAsk: (current) => current.mode !== 'defaults',
      ask: (current, step) => input(current, step, 'capture.bytesPerPacket', 'bytesPerPacket', 'Bytes kept of each packet (0 keeps whole packets; 34 is enough for IPv4 headers; units such as 1 KB work too)', validateBytesPerPacket, String(defaults.bytesPerPacket)),
    },
    {
      id: 'capture.bytesPerSession',
      shouldAsk: (current) => current.mode !== 'defaults',
      ask: (current, step) => input(current, step, 'capture.bytesPerSession', 'bytesPerSession', bytesPerSessionPrompt, validateBytesPerSession, '1 GB'),
    },
    {
      id: 'capture.name',
      shouldAsk: (current) => current.mode !== 'defaults',
      ask: (current, step) => input(current, step, 'capture.name', 'name', 'Name of the packet capture', validateCaptureName, defaultCaptureName(vmOf(current)?.name ?? 'capture', now)),
    },
  ];

  const asked = await askQuestions(questions, draft, trail);
  if (asked === undefined) {
    return undefined;
  }
  draft = asked;
  if (draft.mode === 'defaults' && draft.vmArmId !== undefined) {
    const vm = await estate.readVm(draft.vmArmId);
    const storage = defaultCaptureStorage(estate.storageAccounts, vm);
    const name = defaultCaptureName(vm.name, now);
    return {
      vmArmId: vmOf(draft)?.armId ?? draft.vmArmId,
      ...(storage ? { destination: 'storage' as const, storageArmId: storage.armId } : { destination: 'file' as const, filePath: defaultCaptureFilePath(vm.osType, name) }),
      filters: [],
      timeLimitSeconds: defaults.timeLimitSeconds,
      bytesPerPacket: defaults.bytesPerPacket,
      bytesPerSession: defaults.bytesPerSession,
      name,
    };
  }
  if (draft.vmArmId === undefined || draft.destination === undefined || draft.name === undefined) {
    return undefined;
  }
  const filter: CaptureFilter = {
    protocol: draft.protocol ?? 'Any',
    ...(draft.localIPAddress ? { localIPAddress: draft.localIPAddress } : {}),
    ...(draft.remoteIPAddress ? { remoteIPAddress: draft.remoteIPAddress } : {}),
    ...(draft.localPort ? { localPort: draft.localPort } : {}),
    ...(draft.remotePort ? { remotePort: draft.remotePort } : {}),
  };
  const hasFilter = filter.protocol !== 'Any' || Object.keys(filter).length > 1;
  return {
    vmArmId: vmOf(draft)?.armId ?? draft.vmArmId,
    destination: draft.destination,
    ...(draft.destination !== 'file' && draft.storageArmId ? { storageArmId: draft.storageArmId } : {}),
    ...(draft.destination !== 'storage' && draft.filePath ? { filePath: draft.filePath } : {}),
    filters: hasFilter ? [filter] : [],
    timeLimitSeconds: Number(draft.timeLimitSeconds ?? defaults.timeLimitSeconds),
    bytesPerPacket: bytesOf(draft.bytesPerPacket, defaults.bytesPerPacket),
    bytesPerSession: bytesOf(draft.bytesPerSession, defaults.bytesPerSession),
    name: draft.name,
  };
}

/** A size the validator accepted, in bytes. */
function bytesOf(value: string | undefined, fallback: number): number {
  const parsed = value === undefined ? undefined : parseByteSize(value);
  return parsed !== undefined && 'bytes' in parsed ? parsed.bytes : fallback;
}
