/**
 * The collector wizard's rules: pure validators for what the user types (VM name, admin user name,
 * SSH public key, address prefixes) and the prerequisite checks of the plan (size offered in the
 * region, vCPU quota, image in the region, subnet region, names free). No `vscode` import here.
 */
import ipaddr from 'ipaddr.js';
import { parsePrefix } from '../../core/addresses';
import type { PlanCheck } from '../../core/plan';
import { decidingRule } from '../tap/checks';
import { vxlanPort, type CollectorAnswers, type CollectorFacts, type UsageFact, type VmSizeFact } from './collectorModel';

/**
 * Linux VM names: 1 to 64 characters, and the computer name (the same here) at most 64
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftcompute).
 * The VM name is also the host name, so only letters, digits and hyphens are taken; it may not be
 * digits only, nor start or end with a hyphen.
 */
export function validateVmName(value: string): string | undefined {
  if (value.length < 1 || value.length > 64) {
    return 'A Linux VM name has 1 to 64 characters.';
  }
  if (!/^[A-Za-z0-9-]+$/.test(value)) {
    return 'A VM name may contain only letters, digits and hyphens (it is also the host name): no spaces or characters such as ~ ! @ # $ % ^ & * ( ) = + _ [ ] { } \\ | ; : . \' " , < > / ?.';
  }
  if (value.startsWith('-') || value.endsWith('-')) {
    return 'A VM name may not start or end with a hyphen.';
  }
  if (/^[0-9]+$/.test(value)) {
    return 'A VM name may not be digits only.';
  }
  return undefined;
}

/**
 * NIC and NSG names: 1 to 80 letters, digits, underscores, periods or hyphens, starting with a
 * letter or digit and ending with a letter, digit or underscore (same page, Microsoft.Network).
 */
export function validateNetworkResourceName(value: string, what: string): string | undefined {
  if (!/^[A-Za-z0-9]([A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/.test(value)) {
    return `${what} has 1 to 80 letters, digits, underscores, periods or hyphens; it starts with a letter or digit and ends with a letter, digit or underscore.`;
  }
  return undefined;
}

/**
 * Names Azure refuses as a Linux admin user (https://learn.microsoft.com/azure/virtual-machines/linux/faq#what-are-the-username-requirements-when-creating-a-vm-).
 */
const reservedUserNames = new Set(['administrator', 'admin', 'user', 'user1', 'test', 'user2', 'test1', 'user3', 'admin1', '1', '123', 'a', 'actuser', 'adm', 'admin2', 'aspnet', 'backup', 'console', 'david', 'guest', 'john', 'owner', 'root', 'server', 'sql', 'support', 'support_388945a0', 'sys', 'test2', 'test3', 'user4', 'user5']);

/** Linux admin user names: 1 to 32 characters, a letter first, then lower-case letters, digits, `_` or `-`; not a reserved name (same FAQ). */
export function validateAdminUsername(value: string): string | undefined {
  if (value.length < 1 || value.length > 32) {
    return 'The admin user name has 1 to 32 characters.';
  }
  if (!/^[a-z_][a-z0-9_-]*$/.test(value)) {
    return 'The admin user name starts with a lower-case letter or underscore and has only lower-case letters, digits, underscores and hyphens.';
  }
  if (reservedUserNames.has(value)) {
    return `${value} is reserved on Azure Linux VMs; choose another admin user name.`;
  }
  return undefined;
}

/** Reads one SSH wire-format string (uint32 length, then bytes) at `offset`. */
function sshString(blob: Buffer, offset: number): { value: Buffer; next: number } | undefined {
  if (offset + 4 > blob.length) {
    return undefined;
  }
  const length = blob.readUInt32BE(offset);
  return offset + 4 + length > blob.length ? undefined : { value: blob.subarray(offset + 4, offset + 4 + length), next: offset + 4 + length };
}

/** A public key Azure takes: its type, size in bits and comment. */
export interface SshKeyInfo {
  type: 'ssh-rsa' | 'ssh-ed25519';
  bits: number;
  comment?: string;
  /** The key line as sent: type, base64 and comment, trimmed. */
  line: string;
}

/**
 * Parses an OpenSSH public key file's text. Azure takes SSH-2 RSA keys of at least 2048 bits and
 * ED25519 keys; it does not take ECDSA or a private key
 * (https://learn.microsoft.com/azure/virtual-machines/linux/mac-create-ssh-keys#supported-ssh-key-formats).
 * `file` names the file in the message: "~/.ssh/id_rsa.pub: an RSA key of 1024 bits; Azure needs at least 2048".
 */
export function parseSshPublicKey(text: string, file: string): SshKeyInfo | { problem: string } {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  if (lines.length === 0) {
    return { problem: `${file} is empty: pick an OpenSSH public key file (such as id_ed25519.pub or id_rsa.pub).` };
  }
  if (/PRIVATE KEY/.test(text)) {
    return { problem: `${file} holds a private key. Pick the public key (the .pub file next to it); a private key must never leave your machine.` };
  }
  if (/^---- BEGIN SSH2 PUBLIC KEY/.test(lines[0])) {
    return { problem: `${file} is in SSH2 (RFC 4716) format. Convert it with "ssh-keygen -i -f ${file}" and pick the result (one line starting with ssh-rsa or ssh-ed25519).` };
  }
  if (lines.length > 1) {
    return { problem: `${file} has ${lines.length} lines; a public key file has one line starting with ssh-rsa or ssh-ed25519.` };
  }
  const [type, data, ...comment] = lines[0].split(/\s+/);
  if (type !== 'ssh-rsa' && type !== 'ssh-ed25519') {
    return { problem: /^ecdsa-|^sk-/.test(type ?? '') ? `${file} is a ${type} key; Azure takes only RSA (at least 2048 bits) and ED25519 keys.` : `${file} does not start with ssh-rsa or ssh-ed25519: it is not an OpenSSH public key.` };
  }
  if (data === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) {
    return { problem: `${file}: the key data after ${type} is not base64.` };
  }
  const blob = Buffer.from(data, 'base64');
  const name = sshString(blob, 0);
  if (name?.value.toString('latin1') !== type) {
    return { problem: `${file}: the key data does not match its type ${type} (the file is damaged or edited).` };
  }
  const info = (bits: number): SshKeyInfo => ({ type, bits, line: [type, data, ...comment].join(' '), ...(comment.length > 0 ? { comment: comment.join(' ') } : {}) });
  if (type === 'ssh-ed25519') {
    const key = sshString(blob, name.next);
    return key?.value.length === 32 ? info(256) : { problem: `${file}: the ED25519 key is not 32 bytes long (the file is damaged).` };
  }
  const exponent = sshString(blob, name.next);
  const modulus = exponent && sshString(blob, exponent.next);
  if (!modulus) {
    return { problem: `${file}: the RSA key data is cut short (the file is damaged).` };
  }
  const bytes = modulus.value[0] === 0 ? modulus.value.subarray(1) : modulus.value;
  const bits = bytes.length * 8;
  return bits < 2048 ? { problem: `${file}: an RSA key of ${bits} bits; Azure needs at least 2048 bits. Create one with "ssh-keygen -t ed25519" or "ssh-keygen -t rsa -b 4096".` } : info(bits);
}

/** Service tags a rule's source may name instead of an address. */
const sourceTags = new Set(['virtualnetwork', 'azureloadbalancer']);

/** Prefixes that mean "anyone on the internet". */
function isInternet(prefix: string): boolean {
  const lower = prefix.trim().toLowerCase();
  return lower === '*' || lower === 'internet' || lower === 'any' || parsePrefix(lower.includes('/') ? lower : `${lower}/32`)?.length === 0 || lower === '::/0';
}

/** One source prefix: a CIDR, an address or the VirtualNetwork service tag; never the whole internet. */
export function validateSourcePrefix(value: string, what: string): string | undefined {
  const text = value.trim();
  if (text === '') {
    return `${what}: an empty prefix.`;
  }
  if (isInternet(text)) {
    return `${what}: ${text} is the whole internet. Name the sources' addresses or VNet ranges (for example 10.1.0.0/16).`;
  }
  if (sourceTags.has(text.toLowerCase())) {
    return undefined;
  }
  const parsed = parsePrefix(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`);
  if (parsed === undefined) {
    return `${what}: ${text} is not an IP address, a CIDR block (10.1.0.0/16) or the VirtualNetwork tag.`;
  }
  // Azure refuses a block with host bits set (SecurityRuleInvalidAddressPrefix): 10.1.2.3/16 must be written 10.1.0.0/16.
  if (text.includes('/') && !sameBlock(text, parsed.text)) {
    return `${what}: ${text} has bits set after its prefix length; Azure takes only the block's first address: ${parsed.text}.`;
  }
  return undefined;
}

/** Whether a CIDR block as typed starts at its network address (IPv6 compared in one spelling). */
function sameBlock(typed: string, network: string): boolean {
  const [typedAddress, typedLength] = typed.split('/');
  const [networkAddress, networkLength] = network.split('/');
  try {
    return typedLength === networkLength && ipaddr.parse(typedAddress).toNormalizedString() === ipaddr.parse(networkAddress).toNormalizedString();
  } catch {
    return false;
  }
}

/** A comma-separated list of source prefixes, at least one. */
export function validateSourcePrefixes(value: string): string | undefined {
  const prefixes = splitPrefixes(value);
  if (prefixes.length === 0) {
    return 'Name at least one source prefix: the addresses the mirrored traffic comes from.';
  }
  for (const prefix of prefixes) {
    const problem = validateSourcePrefix(prefix, 'Source prefixes');
    if (problem) {
      return problem;
    }
  }
  // A rule takes a service tag only on its own, never in a list of prefixes (SecurityRuleParameterContainsUnsupportedValue).
  const tag = prefixes.find((prefix) => sourceTags.has(prefix.toLowerCase()));
  if (tag !== undefined && prefixes.length > 1) {
    return `Source prefixes: ${tag} is a service tag, which Azure takes only on its own in a rule. Give ${tag} alone, or the address ranges without it.`;
  }
  return undefined;
}

export function splitPrefixes(value: string): string[] {
  return value.split(/[\s,;]+/).map((part) => part.trim()).filter((part) => part !== '');
}

/** Data disk size: 4 to 32,767 GiB, the managed disk range (https://learn.microsoft.com/azure/virtual-machines/disks-types). */
export function validateDataDiskGiB(value: string): string | undefined {
  const size = Number(value.trim());
  return Number.isInteger(size) && size >= 4 && size <= 32767 ? undefined : 'The data disk size is a whole number of GiB from 4 to 32767.';
}

/**
 * Whether a size can carry a collector: offered to this subscription in the region, at least 2
 * vCPUs, and accelerated networking (which a sensor needs at line rate:
 * https://learn.microsoft.com/azure/virtual-network/accelerated-networking-overview).
 */
export function sizeProblem(size: VmSizeFact): string | undefined {
  if (size.restriction !== undefined) {
    return `not offered to this subscription here (${size.restriction})`;
  }
  if (size.vCPUs < 2) {
    return `${size.vCPUs} vCPU; a collector needs at least 2`;
  }
  if (!size.acceleratedNetworking) {
    return 'no accelerated networking';
  }
  return undefined;
}

/** The sizes a collector may use, in the order Resource SKUs gave them (vCPUs, then name). */
export function eligibleSizes(sizes: readonly VmSizeFact[]): VmSizeFact[] {
  return sizes.filter((size) => sizeProblem(size) === undefined);
}

function findUsage(usages: readonly UsageFact[], name: string): UsageFact | undefined {
  return usages.find((usage) => usage.name.toLowerCase() === name.toLowerCase());
}

/**
 * The size the answers name: listed in the region and fit for a collector. A size missing or
 * restricted would be refused by Azure with `SkuNotAvailable`
 * (https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-sku-not-available).
 */
export function checkSize(answers: CollectorAnswers, facts: CollectorFacts): PlanCheck {
  const size = facts.sizes.find((candidate) => candidate.name.toLowerCase() === answers.size.toLowerCase());
  const title = 'VM size offered in the region';
  if (size === undefined) {
    return { id: 'size', title, status: 'failed', detail: `${answers.size} is not offered in ${answers.region}. Pick one of: ${eligibleSizes(facts.sizes).map((entry) => entry.name).join(', ') || 'none fits'}.` };
  }
  const problem = sizeProblem(size);
  if (problem) {
    return { id: 'size', title, status: 'failed', detail: `${size.name} in ${answers.region}: ${problem}.` };
  }
  // Premium SSDs need a size that supports Premium Storage (https://learn.microsoft.com/azure/virtual-machines/disks-types#premium-ssds).
  if (answers.osDiskType === 'Premium_LRS' && size.premiumIO === false) {
    return { id: 'size', title, status: 'failed', detail: `${size.name} does not take Premium SSD disks (Resource SKUs: PremiumIO False). Choose Standard SSD, or a size that supports Premium Storage (an "s" in its name).` };
  }
  return { id: 'size', title, status: 'passed', detail: `${size.name} (${size.vCPUs} vCPUs, ${size.memoryGB} GiB memory, accelerated networking) is offered in ${answers.region}.` };
}

/**
 * vCPU quota: the size's vCPUs must fit both the regional limit (`cores`, "Total Regional vCPUs")
 * and its family's limit, counting every VM of the region, running or deallocated
 * (https://learn.microsoft.com/azure/virtual-machines/quotas). Otherwise Azure refuses the create
 * with `OperationNotAllowed`. A VM that already exists with this size needs nothing more.
 */
export function checkQuota(answers: CollectorAnswers, facts: CollectorFacts): PlanCheck {
  const title = 'vCPU quota';
  const size = facts.sizes.find((candidate) => candidate.name.toLowerCase() === answers.size.toLowerCase());
  if (size === undefined) {
    return { id: 'quota', title, status: 'failed', detail: `${answers.size} is not listed in ${answers.region}, so its vCPUs are unknown.` };
  }
  if (facts.existingVm && facts.existingVm.size.toLowerCase() === size.name.toLowerCase()) {
    return { id: 'quota', title, status: 'passed', detail: `${answers.vmName} already exists with ${size.name}: no more vCPUs are needed.` };
  }
  const needed = size.vCPUs;
  const limits = [
    { usage: findUsage(facts.usages, 'cores'), fallback: 'Total Regional vCPUs (cores)' },
    { usage: findUsage(facts.usages, size.family), fallback: `${size.family} vCPUs` },
  ];
  const over: string[] = [];
  const fits: string[] = [];
  const unknown: string[] = [];
  for (const { usage, fallback } of limits) {
    if (usage === undefined) {
      unknown.push(fallback);
      continue;
    }
    const label = `${usage.localizedName} (${usage.name})`;
    if (usage.current + needed > usage.limit) {
      over.push(`${label}: ${usage.current} of ${usage.limit} in use, ${size.name} needs ${needed} more (a limit of at least ${usage.current + needed})`);
    } else {
      fits.push(`${label}: ${usage.current} + ${needed} of ${usage.limit}`);
    }
  }
  if (over.length > 0) {
    return { id: 'quota', title, status: 'failed', detail: `Not enough vCPU quota in ${answers.region}: ${over.join('; ')}. Request an increase (Quotas in the Azure portal) or pick a smaller size or another region.` };
  }
  if (unknown.length > 0) {
    return { id: 'quota', title, status: 'warning', detail: `Azure reported no usage for ${unknown.join(' and ')} in ${answers.region}; ${fits.join('; ') || 'nothing to compare'}.` };
  }
  return { id: 'quota', title, status: 'passed', detail: fits.join('; ') };
}

/** The image resolved to a concrete version in the region (Azure answers `PlatformImageNotFound` otherwise). */
export function checkImage(answers: CollectorAnswers, facts: CollectorFacts): PlanCheck {
  const urn = `${answers.image.publisher}:${answers.image.offer}:${answers.image.sku}`;
  if (facts.imageVersion === undefined) {
    return { id: 'image', title: 'Image in the region', status: 'failed', detail: `${urn} has no version in ${answers.region}. Pick another image.` };
  }
  return { id: 'image', title: 'Image in the region', status: 'passed', detail: `${urn}:${facts.imageVersion} (the newest version in ${answers.region}).` };
}

/** The subnet exists in the VM's region, or an earlier action of a larger plan creates it. */
export function checkSubnet(answers: CollectorAnswers, facts: CollectorFacts): PlanCheck {
  const title = 'Subnet in the VM\u2019s region';
  if (answers.subnetPlanned) {
    return { id: 'subnet', title, status: 'passed', detail: `${answers.subnetId.split('/').pop() ?? answers.subnetId} is created earlier in this plan, in ${answers.region}.` };
  }
  const subnet = facts.subnet;
  if (subnet === undefined) {
    return { id: 'subnet', title, status: 'failed', detail: `The subnet ${answers.subnetId} is not in the inventory. Refresh the view, or pick another subnet.` };
  }
  if (subnet.location.toLowerCase() !== answers.region.toLowerCase()) {
    return { id: 'subnet', title, status: 'failed', detail: `${subnet.vnetName}/${subnet.name} is in ${subnet.location}, the VM in ${answers.region}: a NIC must be in its VNet's region.` };
  }
  return { id: 'subnet', title, status: 'passed', detail: `${subnet.vnetName}/${subnet.name} (${subnet.addressPrefixes.join(', ')}) is in ${subnet.location}.` };
}

/** The resource group exists in any region, or is new (created in the VM's region). */
export function checkResourceGroup(answers: CollectorAnswers, facts: CollectorFacts): PlanCheck {
  const title = 'Resource group';
  if (answers.resourceGroupIsNew) {
    return facts.resourceGroupLocation === undefined
      ? { id: 'resourceGroup', title, status: 'passed', detail: `${answers.resourceGroup} will be created in ${answers.region}.` }
      : { id: 'resourceGroup', title, status: 'passed', detail: `${answers.resourceGroup} already exists (in ${facts.resourceGroupLocation}); it is used as it is.` };
  }
  return facts.resourceGroupLocation === undefined
    ? { id: 'resourceGroup', title, status: 'failed', detail: `The resource group ${answers.resourceGroup} does not exist in the subscription.` }
    : { id: 'resourceGroup', title, status: 'passed', detail: `${answers.resourceGroup} (${facts.resourceGroupLocation}).` };
}

/**
 * The subnet's NSG judges mirrored packets before the NIC's: a deny rule that wins for UDP 4789
 * from a source drops them (https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works:
 * inbound traffic meets the subnet's NSG, then the NIC's). Without a deciding rule the default
 * AllowVnetInBound lets in the virtual network and its peered networks. A warning, not a refusal:
 * the VM can be created, and the rule added before mirroring starts.
 */
export function checkSubnetNsg(answers: CollectorAnswers, facts: CollectorFacts): PlanCheck | undefined {
  const nsg = facts.subnet?.nsg;
  if (nsg === undefined || answers.subnetPlanned) {
    return undefined;
  }
  const title = `UDP ${vxlanPort} through the subnet’s NSG`;
  const denied: string[] = [];
  for (const prefix of answers.sourcePrefixes) {
    const parsed = parsePrefix(prefix.includes('/') ? prefix : `${prefix}/32`);
    const rule = decidingRule(nsg, parsed?.text.split('/')[0], undefined, vxlanPort);
    if (rule !== undefined && rule.access.toLowerCase() === 'deny') {
      denied.push(`${prefix} (rule ${rule.name}, priority ${rule.priority})`);
    }
  }
  return denied.length > 0
    ? { id: 'subnetNsg', title, status: 'warning', detail: `${nsg.name} on the subnet denies UDP ${vxlanPort} from ${denied.join(', ')}: mirrored packets from there are dropped. Add an allow rule with a lower priority number to ${nsg.name}.` }
    : { id: 'subnetNsg', title, status: 'passed', detail: `${nsg.name} on the subnet lets UDP ${vxlanPort} in from ${answers.sourcePrefixes.join(', ')}.` };
}
