/**
 * The collector wizard's questions, as data a larger wizard may ask inside its own flow: the
 * subnet (pre-answered from a subnet row, narrowed from a VNet row), the resource group, the VM
 * name, the image, the size (only sizes fit for a collector), the admin user and SSH key file, the
 * VXLAN sources, SSH access, the data disk and an optional cloud-init file. No `vscode` import here.
 */
import { nameOf, parentId } from '../../azure/armIds';
import { askQuestions, type AnswerTrail, type Question, type StepNumber } from '../shared/questions';
import { back, type PickItem, type WizardUi } from '../shared/wizardUi';
import { eligibleSizes, parseSshPublicKey, splitPrefixes, validateAdminUsername, validateDataDiskGiB, validateSourcePrefix, validateSourcePrefixes, validateVmName } from './checks';
import { collectorDefaults, ubuntuImages, vxlanPort, type CollectorAnswers, type CollectorDiskType, type CollectorImage } from './collectorModel';
import type { CollectorQuestionsEstate, SubnetChoice } from './collectorFacts';

/** What the command knows before asking: the subnet or VNet of the row it started on. */
export interface CollectorSeed {
  subnetId?: string;
  vnetId?: string;
}

/** The answers so far. */
export interface CollectorDraft {
  subnetId?: string;
  /** An existing group's name, or undefined with `newResourceGroup`. */
  resourceGroup?: string;
  newResourceGroup?: boolean;
  newResourceGroupName?: string;
  vmName?: string;
  imageIndex?: number;
  size?: string;
  adminUsername?: string;
  sshKey?: { path: string; text: string };
  sourcePrefixes?: string[];
  /** '' for none. */
  sshSourcePrefix?: string;
  dataDiskGiB?: number;
  diskType?: CollectorDiskType;
  /** null: the user chose none. */
  cloudInit?: { path: string; text: string } | null;
}

const wizardTitle = 'Create Collector VM';
const newGroup = '#new';

function title(step: StepNumber): string {
  return step.step === 1 ? `${wizardTitle} — Linux NDR sensor receiving VXLAN on UDP ${vxlanPort}` : wizardTitle;
}

/** Resource group names: 1 to 90 letters, digits, underscores, parentheses, hyphens and periods, not ending in a period (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources). */
export function validateResourceGroupName(value: string): string | undefined {
  return /^[-\w._()]{1,90}$/u.test(value) && !value.endsWith('.') ? undefined : 'A resource group name has 1 to 90 letters, digits, underscores, parentheses, hyphens or periods, and does not end with a period.';
}

/** The subnet the draft names. */
function subnetOf(estate: CollectorQuestionsEstate, draft: CollectorDraft): SubnetChoice | undefined {
  return estate.subnets.find((subnet) => subnet.id === draft.subnetId);
}

/** The groups offered: those the subscription's VNets are in, the subnet's own first. */
function groupsOf(estate: CollectorQuestionsEstate, subnet: SubnetChoice): string[] {
  const names = new Map<string, string>();
  names.set(subnet.vnetResourceGroup.toLowerCase(), subnet.vnetResourceGroup);
  for (const other of estate.subnets) {
    if (other.subscriptionId === subnet.subscriptionId && !names.has(other.vnetResourceGroup.toLowerCase())) {
      names.set(other.vnetResourceGroup.toLowerCase(), other.vnetResourceGroup);
    }
  }
  return [...names.values()];
}

/** Reads and checks an SSH public key file; a message names the file and what is wrong. */
async function readKey(estate: CollectorQuestionsEstate, path: string): Promise<{ text: string } | { problem: string }> {
  let text: string;
  try {
    text = await estate.readTextFile(path);
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
  const key = parseSshPublicKey(text, path);
  return 'problem' in key ? key : { text: key.line };
}

/** The default key file: the first of `defaultKeyFiles` that holds a key Azure takes. */
async function defaultKeyFile(estate: CollectorQuestionsEstate): Promise<string | undefined> {
  for (const path of estate.defaultKeyFiles) {
    const read = await readKey(estate, path);
    if (!('problem' in read)) {
      return path;
    }
  }
  return undefined;
}

/**
 * The questions; `seed` pre-answers the subnet (a subnet row) or narrows it to one VNet (a VNet
 * row). Ask them with `askQuestions(questions, initialDraft(seed, estate))`, then turn the draft
 * into answers with `collectorAnswersOf`.
 */
export function collectorQuestions(ui: WizardUi, estate: CollectorQuestionsEstate, seed: CollectorSeed = {}): Question<CollectorDraft>[] {
  const seededSubnet = seed.subnetId === undefined ? undefined : estate.subnets.find((subnet) => subnet.id === seed.subnetId?.toLowerCase());
  if (seed.subnetId !== undefined && seededSubnet === undefined) {
    throw new Error(`The subnet ${nameOf(seed.subnetId)} is no longer in the inventory. Refresh the view and try again.`);
  }
  const inVnet = (subnet: SubnetChoice): boolean => seed.vnetId === undefined || parentId(subnet.id) === seed.vnetId.toLowerCase();
  const offered = estate.subnets.filter(inVnet);
  const onlySubnet = seededSubnet ?? (seed.vnetId !== undefined && offered.length === 1 ? offered[0] : undefined);
  return [
    {
      id: 'collector.subnet',
      shouldAsk: () => onlySubnet === undefined,
      ask: async (current, step) => {
        const answer = await ui.pick<string>({
          id: 'collector.subnet',
          title: title(step),
          ...step,
          placeholder: 'Pick the subnet the collector\u2019s NIC goes in (its VNet\u2019s region is the VM\u2019s)',
          items: offered.map((subnet): PickItem<string> => ({
            label: `${subnet.vnetName}/${subnet.name}`,
            description: `${subnet.addressPrefixes.join(', ')} · ${subnet.location}`,
            detail: `${subnet.subscriptionName} · resource group ${subnet.vnetResourceGroup}`,
            value: subnet.id,
            picked: subnet.id === current.subnetId,
          })),
          emptyMessage: seed.vnetId === undefined ? 'No subnets in the subscriptions the view shows.' : `${nameOf(seed.vnetId)} has no subnets.`,
        });
        if (answer === back || answer === undefined) {
          return answer;
        }
        // Another subnet: the group, size and sources suggested for the old one are suggested anew.
        return answer === current.subnetId ? current : { ...current, subnetId: answer, resourceGroup: undefined, newResourceGroup: undefined, size: undefined, sourcePrefixes: undefined };
      },
    },
    {
      id: 'collector.resourceGroup',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const subnet = subnetOf(estate, current);
        const groups = subnet ? groupsOf(estate, subnet) : [];
        const answer = await ui.pick<string>({
          id: 'collector.resourceGroup',
          title: title(step),
          ...step,
          placeholder: 'Resource group for the VM, its NIC, NSG and disks',
          items: [
            ...groups.map((group) => ({ label: group, description: group === subnet?.vnetResourceGroup ? 'the VNet\u2019s group' : undefined, value: group, picked: !current.newResourceGroup && (current.resourceGroup ?? subnet?.vnetResourceGroup) === group })),
            { label: 'New resource group…', description: `created in ${subnet?.location ?? 'the VNet\u2019s region'}`, value: newGroup, picked: current.newResourceGroup === true },
          ],
        });
        if (answer === back || answer === undefined) {
          return answer;
        }
        return answer === newGroup ? { ...current, newResourceGroup: true, resourceGroup: undefined } : { ...current, newResourceGroup: false, resourceGroup: answer };
      },
    },
    {
      id: 'collector.resourceGroupName',
      shouldAsk: (current) => current.newResourceGroup === true,
      ask: async (current, step) => {
        const answer = await ui.input({
          id: 'collector.resourceGroupName',
          title: title(step),
          ...step,
          prompt: 'Name of the new resource group',
          value: current.newResourceGroupName ?? 'rg-collector',
          validate: validateResourceGroupName,
        });
        return answer === back || answer === undefined ? answer : { ...current, newResourceGroupName: answer };
      },
    },
    {
      id: 'collector.vmName',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const answer = await ui.input({
          id: 'collector.vmName',
          title: title(step),
          ...step,
          prompt: 'Name of the collector VM (also its host name; the NIC and NSG are named after it)',
          value: current.vmName ?? 'vm-collector-1',
          validate: validateVmName,
        });
        return answer === back || answer === undefined ? answer : { ...current, vmName: answer };
      },
    },
    {
      id: 'collector.image',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const answer = await ui.pick<number>({
          id: 'collector.image',
          title: title(step),
          ...step,
          placeholder: 'Operating system (the newest version in the region is used)',
          items: ubuntuImages.map((entry, index) => ({ label: entry.label, description: `${entry.image.publisher}:${entry.image.offer}:${entry.image.sku}`, value: index, picked: (current.imageIndex ?? 0) === index })),
        });
        return answer === back || answer === undefined ? answer : { ...current, imageIndex: answer };
      },
    },
    {
      id: 'collector.size',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const subnet = subnetOf(estate, current);
        const sizes = subnet ? eligibleSizes(await estate.sizesFor(subnet.subscriptionId, subnet.tenantId, subnet.location)) : [];
        const preferred = current.size ?? (sizes.some((size) => size.name === collectorDefaults.size) ? collectorDefaults.size : sizes[0]?.name);
        const answer = await ui.pick<string>({
          id: 'collector.size',
          title: title(step),
          ...step,
          placeholder: `VM size: offered to this subscription in ${subnet?.location ?? 'the region'}, at least 2 vCPUs, accelerated networking`,
          items: sizes.map((size) => ({ label: size.name, description: `${size.vCPUs} vCPUs · ${size.memoryGB} GiB memory`, detail: `${size.family} · up to ${size.maxNetworkInterfaces} NICs`, value: size.name, picked: size.name === preferred })),
          emptyMessage: `No VM size with at least 2 vCPUs and accelerated networking is offered to this subscription in ${subnet?.location ?? 'the region'}.`,
        });
        return answer === back || answer === undefined ? answer : { ...current, size: answer };
      },
    },
    {
      id: 'collector.adminUsername',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const answer = await ui.input({
          id: 'collector.adminUsername',
          title: title(step),
          ...step,
          prompt: 'Admin user name (signs in with your SSH key; password sign-in is off)',
          value: current.adminUsername ?? collectorDefaults.adminUsername,
          validate: validateAdminUsername,
        });
        return answer === back || answer === undefined ? answer : { ...current, adminUsername: answer };
      },
    },
    {
      id: 'collector.sshKeyFile',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const answer = await ui.input({
          id: 'collector.sshKeyFile',
          title: title(step),
          ...step,
          prompt: 'Path of your SSH public key file (RSA of at least 2048 bits, or ED25519)',
          value: current.sshKey?.path ?? (await defaultKeyFile(estate)) ?? '',
          placeholder: '~/.ssh/id_ed25519.pub',
          validate: (value) => (value.trim() === '' ? 'Name the SSH public key file (create one with "ssh-keygen -t ed25519").' : undefined),
          validateAsync: async (value) => {
            const read = await readKey(estate, value.trim());
            return 'problem' in read ? read.problem : undefined;
          },
        });
        if (answer === back || answer === undefined) {
          return answer;
        }
        const read = await readKey(estate, answer.trim());
        if ('problem' in read) {
          throw new Error(read.problem);
        }
        return { ...current, sshKey: { path: answer.trim(), text: read.text } };
      },
    },
    {
      id: 'collector.sourcePrefixes',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const subnet = subnetOf(estate, current);
        const answer = await ui.input({
          id: 'collector.sourcePrefixes',
          title: title(step),
          ...step,
          prompt: `Who sends mirrored traffic (VXLAN, UDP ${vxlanPort})? Address prefixes of the source VNets, comma-separated`,
          value: (current.sourcePrefixes ?? subnet?.vnetAddressSpace ?? []).join(', '),
          validate: validateSourcePrefixes,
        });
        return answer === back || answer === undefined ? answer : { ...current, sourcePrefixes: splitPrefixes(answer) };
      },
    },
    {
      id: 'collector.sshSource',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const answer = await ui.input({
          id: 'collector.sshSource',
          title: title(step),
          ...step,
          prompt: 'Allow SSH (TCP 22) from one prefix, such as your admin network? Leave empty for none (never from the internet)',
          value: current.sshSourcePrefix ?? '',
          placeholder: 'empty: no SSH rule',
          validate: (value) => (value.trim() === '' ? undefined : validateSourcePrefix(value, 'SSH source')),
        });
        return answer === back || answer === undefined ? answer : { ...current, sshSourcePrefix: answer.trim() };
      },
    },
    {
      id: 'collector.dataDisk',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const answer = await ui.input({
          id: 'collector.dataDisk',
          title: title(step),
          ...step,
          prompt: 'Size of the data disk for captures, in GiB (256 GiB keeps about 35 minutes of a full 1 Gbit/s mirror)',
          value: String(current.dataDiskGiB ?? collectorDefaults.dataDiskGiB),
          validate: validateDataDiskGiB,
        });
        return answer === back || answer === undefined ? answer : { ...current, dataDiskGiB: Number(answer.trim()) };
      },
    },
    {
      id: 'collector.diskType',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const answer = await ui.pick<CollectorDiskType>({
          id: 'collector.diskType',
          title: title(step),
          ...step,
          placeholder: 'Disk type of the OS and capture disks',
          items: [
            { label: 'Premium SSD', description: 'Premium_LRS: steady throughput for writing captures (sizes with Premium Storage)', value: 'Premium_LRS', picked: (current.diskType ?? collectorDefaults.osDiskType) === 'Premium_LRS' },
            { label: 'Standard SSD', description: 'StandardSSD_LRS: cheaper, lower and less steady throughput', value: 'StandardSSD_LRS', picked: current.diskType === 'StandardSSD_LRS' },
          ],
        });
        return answer === back || answer === undefined ? answer : { ...current, diskType: answer };
      },
    },
    {
      id: 'collector.cloudInit',
      shouldAsk: () => true,
      ask: async (current, step) => {
        const readCloudInit = async (path: string): Promise<string | { problem: string }> => {
          try {
            const text = await estate.readTextFile(path);
            return text.trim() === '' ? { problem: `${path} is empty.` } : text;
          } catch (error) {
            return { problem: error instanceof Error ? error.message : String(error) };
          }
        };
        const answer = await ui.input({
          id: 'collector.cloudInit',
          title: title(step),
          ...step,
          prompt: 'Path of a cloud-init file to run on first boot (your sensor vendor\u2019s install script)? Leave empty for none',
          value: current.cloudInit?.path ?? '',
          placeholder: 'empty: no cloud-init',
          validateAsync: async (value) => {
            if (value.trim() === '') {
              return undefined;
            }
            const read = await readCloudInit(value.trim());
            return typeof read === 'string' ? undefined : read.problem;
          },
        });
        if (answer === back || answer === undefined) {
          return answer;
        }
        if (answer.trim() === '') {
          return { ...current, cloudInit: null };
        }
        const read = await readCloudInit(answer.trim());
        if (typeof read !== 'string') {
          throw new Error(read.problem);
        }
        return { ...current, cloudInit: { path: answer.trim(), text: read } };
      },
    },
  ];
}

/** The draft the questions start from: the seeded subnet, or the only subnet of a seeded VNet. */
export function initialCollectorDraft(estate: CollectorQuestionsEstate, seed: CollectorSeed = {}): CollectorDraft {
  if (seed.subnetId !== undefined) {
    return { subnetId: seed.subnetId.toLowerCase() };
  }
  const offered = estate.subnets.filter((subnet) => seed.vnetId !== undefined && parentId(subnet.id) === seed.vnetId.toLowerCase());
  return offered.length === 1 ? { subnetId: offered[0].id } : {};
}

/** The answers of a finished draft; `undefined` when a required answer is missing. */
export function collectorAnswersOf(draft: CollectorDraft, estate: CollectorQuestionsEstate): CollectorAnswers | undefined {
  const subnet = subnetOf(estate, draft);
  const resourceGroup = draft.newResourceGroup ? draft.newResourceGroupName : draft.resourceGroup;
  if (subnet === undefined || resourceGroup === undefined || draft.vmName === undefined || draft.size === undefined || draft.sshKey === undefined || draft.sourcePrefixes === undefined) {
    return undefined;
  }
  const image: CollectorImage = (ubuntuImages[draft.imageIndex ?? 0] ?? ubuntuImages[0]).image;
  return {
    subscriptionId: subnet.subscriptionId,
    subscriptionName: subnet.subscriptionName,
    tenantId: subnet.tenantId,
    resourceGroup,
    resourceGroupIsNew: draft.newResourceGroup === true,
    region: subnet.location,
    vnetId: subnet.vnetArmId,
    subnetId: subnet.armId,
    vmName: draft.vmName,
    nicName: `${draft.vmName}-nic`,
    nsgName: `${draft.vmName}-nsg`,
    size: draft.size,
    image: { ...image },
    adminUsername: draft.adminUsername ?? collectorDefaults.adminUsername,
    sshPublicKey: draft.sshKey,
    osDiskType: draft.diskType ?? collectorDefaults.osDiskType,
    dataDiskGiB: draft.dataDiskGiB ?? collectorDefaults.dataDiskGiB,
    sourcePrefixes: draft.sourcePrefixes,
    ...(draft.sshSourcePrefix ? { sshSourcePrefix: draft.sshSourcePrefix } : {}),
    ...(draft.cloudInit ? { cloudInit: draft.cloudInit } : {}),
  };
}

/** Asks the questions; `undefined` when cancelled. */
export async function gatherCollector(ui: WizardUi, estate: CollectorQuestionsEstate, seed: CollectorSeed = {}, trail?: AnswerTrail): Promise<CollectorAnswers | undefined> {
  const questions = collectorQuestions(ui, estate, seed);
  const draft = await askQuestions(questions, initialCollectorDraft(estate, seed), trail);
  return draft === undefined ? undefined : collectorAnswersOf(draft, estate);
}

