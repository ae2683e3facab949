/**
 * The collector VM plan: a pure function of the answers and the facts read from Azure. Actions run
 * in this order: the resource group (when new), the NSG, the NIC (accelerated networking, no public
 * IP, the NSG attached), then the VM; each depends on the one before, so "Undo Created" deletes the
 * VM first, then the NIC, the NSG and, only when the plan created it, the group.
 */
import { formatBytes } from '../../core/quantities';
import type { Plan, PlanAction, PlanCheck } from '../../core/plan';
import { ActionList } from '../shared/actionList';
import { computeApiVersion, networkApiVersion, resourcesApiVersion } from '../shared/apiVersions';
import { checkImage, checkQuota, checkResourceGroup, checkSize, checkSubnet, checkSubnetNsg, parseSshPublicKey, validateAdminUsername, validateNetworkResourceName, validateSourcePrefix, validateVmName } from './checks';
import {
  collectorDefaults,
  collectorIds,
  ipConfigurationName,
  sshRuleName,
  vxlanPort,
  vxlanRuleName,
  type CollectorAnswers,
  type CollectorFacts,
} from './collectorModel';

/** A rule's source: one prefix as `sourceAddressPrefix`, several as `sourceAddressPrefixes`. */
function sourceOf(prefixes: readonly string[]): Record<string, unknown> {
  return prefixes.length === 1 ? { sourceAddressPrefix: prefixes[0] } : { sourceAddressPrefixes: [...prefixes] };
}

/**
 * The NSG's rules: VXLAN from the sources only, and SSH only from the one prefix the user gave.
 * Everything else inbound meets Azure's default rules (AllowVnetInBound, AllowAzureLoadBalancerInBound,
 * DenyAllInBound), so nothing is open to the internet
 * (https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules).
 */
export function collectorSecurityRules(answers: Pick<CollectorAnswers, 'sourcePrefixes' | 'sshSourcePrefix'>): Array<Record<string, unknown>> {
  const rules: Array<Record<string, unknown>> = [
    {
      name: vxlanRuleName,
      properties: {
        description: 'Mirrored traffic from virtual network TAP (VXLAN)',
        protocol: 'Udp',
        ...sourceOf(answers.sourcePrefixes),
        sourcePortRange: '*',
        destinationAddressPrefix: '*',
        destinationPortRange: String(vxlanPort),
        access: 'Allow',
        priority: 100,
        direction: 'Inbound',
      },
    },
  ];
  if (answers.sshSourcePrefix) {
    rules.push({
      name: sshRuleName,
      properties: {
        description: 'SSH from the administrators\u2019 network only',
        protocol: 'Tcp',
        sourceAddressPrefix: answers.sshSourcePrefix,
        sourcePortRange: '*',
        destinationAddressPrefix: '*',
        destinationPortRange: '22',
        access: 'Allow',
        priority: 110,
        direction: 'Inbound',
      },
    });
  }
  return rules;
}

/** The VM's request body (VirtualMachine of ComputeRP.json at the compute api-version); `customData` only with a cloud-init file. */
export function collectorVmBody(answers: CollectorAnswers, imageVersion: string): Record<string, unknown> {
  const ids = collectorIds(answers);
  return {
    location: answers.region,
    // A system-assigned identity lets the sensor reach Azure (storage, Key Vault) without secrets on the VM.
    identity: { type: 'SystemAssigned' },
    properties: {
      hardwareProfile: { vmSize: answers.size },
      storageProfile: {
        imageReference: { publisher: answers.image.publisher, offer: answers.image.offer, sku: answers.image.sku, version: imageVersion },
        osDisk: {
          name: `${answers.vmName}-osdisk`,
          createOption: 'FromImage',
          caching: 'ReadWrite',
          diskSizeGB: collectorDefaults.osDiskGiB,
          managedDisk: { storageAccountType: answers.osDiskType },
          deleteOption: 'Delete',
        },
        dataDisks: [
          {
            lun: 0,
            name: `${answers.vmName}-captures`,
            createOption: 'Empty',
            diskSizeGB: answers.dataDiskGiB,
            // Captures are written once and read rarely: host caching would only get in the way.
            caching: 'None',
            managedDisk: { storageAccountType: answers.osDiskType },
            deleteOption: 'Delete',
          },
        ],
      },
      osProfile: {
        computerName: answers.vmName,
        adminUsername: answers.adminUsername,
        // https://learn.microsoft.com/azure/virtual-machines/custom-data: base64, at most 64 KB, read by cloud-init on first boot.
        ...(answers.cloudInit ? { customData: Buffer.from(answers.cloudInit.text, 'utf8').toString('base64') } : {}),
        linuxConfiguration: {
          disablePasswordAuthentication: true,
          // Azure puts keys only at the admin user's authorized_keys
          // (https://learn.microsoft.com/azure/virtual-machines/linux/create-ssh-keys-detailed).
          ssh: { publicKeys: [{ path: `/home/${answers.adminUsername}/.ssh/authorized_keys`, keyData: answers.sshPublicKey.text.trim() }] },
          provisionVMAgent: true,
        },
      },
      networkProfile: { networkInterfaces: [{ id: ids.nicId, properties: { primary: true, deleteOption: 'Delete' } }] },
      diagnosticsProfile: { bootDiagnostics: { enabled: true } },
    },
  };
}

/** Whether the NSG of that name already holds exactly the planned rules (names, ports, access). */
function nsgMatches(facts: CollectorFacts, rules: Array<Record<string, unknown>>): boolean {
  const existing = facts.existingNsg?.rules ?? [];
  if (existing.length !== rules.length) {
    return false;
  }
  return rules.every((rule) => {
    const properties = rule.properties as Record<string, unknown>;
    const found = existing.find((candidate) => candidate.name.toLowerCase() === String(rule.name).toLowerCase());
    return found !== undefined && found.destinationPorts === properties.destinationPortRange && found.access === properties.access && found.protocol.toLowerCase() === String(properties.protocol).toLowerCase() && found.priority === properties.priority;
  });
}

/** Quoting a pure validator's message as a failed check. */
function validityCheck(id: string, title: string, problem: string | undefined, passed: string): PlanCheck {
  return problem === undefined ? { id, title, status: 'passed', detail: passed } : { id, title, status: 'failed', detail: problem };
}

/** What the preview says a collector must do with mirrored packets. */
export const collectorDuties = [
  `Mirrored packets arrive VXLAN-encapsulated on UDP ${vxlanPort}: the collector must accept UDP ${vxlanPort} from the sources and decapsulate VXLAN to see the original packets (https://learn.microsoft.com/azure/virtual-network/virtual-network-tap-overview).`,
  'The NSG created here allows exactly that and nothing else from outside the virtual network; an NSG on the subnet must allow it too.',
];

/** Builds the plan; a failed check leaves it refused (shown without Apply). */
export function planCollector(answers: CollectorAnswers, facts: CollectorFacts): Plan {
  const ids = collectorIds(answers);
  const list = new ActionList();
  const checks: PlanCheck[] = [];
  const warnings: string[] = [];
  const vmKey = ids.vmId.toLowerCase();
  const nicKey = ids.nicId.toLowerCase();
  const nsgKey = ids.nsgId.toLowerCase();

  const vmNameProblem = validateVmName(answers.vmName);
  checks.push(validityCheck('vmName', 'VM name', vmNameProblem === undefined ? undefined : `${answers.vmName}: ${vmNameProblem}`, `${answers.vmName} is a valid Linux VM and host name.`));
  for (const [id, name, what] of [['nicName', answers.nicName, 'A NIC name'], ['nsgName', answers.nsgName, 'An NSG name']] as const) {
    const problem = validateNetworkResourceName(name, what);
    if (problem) {
      checks.push({ id, title: what.replace(/^An? /, ''), status: 'failed', detail: `${name}: ${problem}` });
    }
  }
  const userProblem = validateAdminUsername(answers.adminUsername);
  if (userProblem) {
    checks.push({ id: 'adminUsername', title: 'Admin user name', status: 'failed', detail: `${answers.adminUsername}: ${userProblem}` });
  }
  const key = parseSshPublicKey(answers.sshPublicKey.text, answers.sshPublicKey.path);
  checks.push('problem' in key
    ? { id: 'sshKey', title: 'SSH public key', status: 'failed', detail: key.problem }
    : { id: 'sshKey', title: 'SSH public key', status: 'passed', detail: `${answers.sshPublicKey.path}: ${key.type === 'ssh-rsa' ? `RSA, ${key.bits} bits` : 'ED25519'}${key.comment ? ` (${key.comment})` : ''}; password sign-in is off.` });
  const prefixProblems = [...answers.sourcePrefixes.map((prefix) => validateSourcePrefix(prefix, 'Source prefixes')), answers.sshSourcePrefix === undefined ? undefined : validateSourcePrefix(answers.sshSourcePrefix, 'SSH source')].filter((problem): problem is string => problem !== undefined);
  if (answers.sourcePrefixes.length === 0) {
    prefixProblems.push('Source prefixes: none given; the collector would receive no mirrored traffic.');
  }
  checks.push(prefixProblems.length > 0
    ? { id: 'prefixes', title: 'NSG sources', status: 'failed', detail: prefixProblems.join(' ') }
    : { id: 'prefixes', title: 'NSG sources', status: 'passed', detail: `UDP ${vxlanPort} from ${answers.sourcePrefixes.join(', ')}; SSH ${answers.sshSourcePrefix ? `only from ${answers.sshSourcePrefix}` : 'from nowhere outside the virtual network'}.` });
  if (answers.cloudInit && Buffer.byteLength(answers.cloudInit.text, 'utf8') > 65535) {
    // https://learn.microsoft.com/azure/virtual-machines/custom-data: custom data is at most 64 KB before encoding.
    checks.push({ id: 'cloudInit', title: 'cloud-init file', status: 'failed', detail: `${answers.cloudInit.path} is ${formatBytes(Buffer.byteLength(answers.cloudInit.text, 'utf8'))}; Azure takes at most 64 KB of custom data.` });
  }

  checks.push(checkResourceGroup(answers, facts));
  checks.push(checkSubnet(answers, facts));
  const subnetNsg = checkSubnetNsg(answers, facts);
  if (subnetNsg) {
    checks.push(subnetNsg);
  }
  checks.push(checkSize(answers, facts));
  checks.push(checkQuota(answers, facts));
  checks.push(checkImage(answers, facts));

  // Names already taken: kept when already as planned, else refused or updated.
  let vmExisting: PlanAction['existing'] = 'absent';
  const vm = facts.existingVm;
  if (vm) {
    const same = vm.size.toLowerCase() === answers.size.toLowerCase() && vm.location === answers.region.toLowerCase() && vm.nicIds.includes(nicKey);
    if (same) {
      vmExisting = 'same';
    } else {
      checks.push({ id: 'vmFree', title: 'VM name free', status: 'failed', detail: `A VM named ${vm.name} already exists in ${answers.resourceGroup} (${vm.size}, ${vm.location}, NICs ${vm.nicIds.map((id) => id.split('/').pop()).join(', ') || 'none'}). Choose another name.` });
    }
  }
  let nicExisting: PlanAction['existing'] = 'absent';
  const nic = facts.existingNic;
  if (nic) {
    if (nic.virtualMachineId !== undefined && nic.virtualMachineId.toLowerCase() !== vmKey) {
      checks.push({ id: 'nicFree', title: 'NIC name free', status: 'failed', detail: `The NIC ${answers.nicName} already exists and belongs to VM ${nic.virtualMachineId.split('/').pop() ?? nic.virtualMachineId}. Choose another VM name.` });
    } else if (nic.location.toLowerCase() !== answers.region.toLowerCase()) {
      checks.push({ id: 'nicFree', title: 'NIC name free', status: 'failed', detail: `The NIC ${answers.nicName} already exists in ${nic.location}, not ${answers.region}. Choose another VM name.` });
    } else {
      const same = nic.acceleratedNetworking && nic.subnetIds.includes(answers.subnetId.toLowerCase()) && nic.networkSecurityGroupId === nsgKey;
      nicExisting = same ? 'same' : 'differs';
    }
  }
  const rules = collectorSecurityRules(answers);
  let nsgExisting: PlanAction['existing'] = 'absent';
  const nsg = facts.existingNsg;
  if (nsg) {
    const ours = new Set([vxlanRuleName, sshRuleName].map((name) => name.toLowerCase()));
    const foreign = nsg.rules.filter((rule) => !ours.has(rule.name.toLowerCase()));
    if (nsg.location.toLowerCase() !== answers.region.toLowerCase()) {
      checks.push({ id: 'nsgFree', title: 'NSG name free', status: 'failed', detail: `The NSG ${answers.nsgName} already exists in ${nsg.location}, not ${answers.region}. Choose another name.` });
    } else if (foreign.length > 0) {
      checks.push({ id: 'nsgFree', title: 'NSG name free', status: 'failed', detail: `The NSG ${answers.nsgName} already exists with other rules (${foreign.map((rule) => rule.name).join(', ')}) that this plan would remove. Choose another name.` });
    } else {
      nsgExisting = nsgMatches(facts, rules) ? 'same' : 'differs';
    }
  }

  const imageVersion = facts.imageVersion ?? answers.image.version;
  const size = facts.sizes.find((candidate) => candidate.name.toLowerCase() === answers.size.toLowerCase());
  const tenantId = answers.tenantId;

  const groupDependsOn: string[] = [];
  if (answers.resourceGroupIsNew && facts.resourceGroupLocation === undefined) {
    const group = list.add({
      kind: 'put',
      title: `Create resource group ${answers.resourceGroup} in ${answers.region}`,
      resourceId: ids.resourceGroupId,
      resourceType: 'Microsoft.Resources/resourceGroups',
      apiVersion: resourcesApiVersion,
      body: { location: answers.region },
      dependsOn: [],
      tenantId,
      existing: 'absent',
    });
    groupDependsOn.push(group.id);
  }
  const nsgAction = list.add({
    kind: 'put',
    title: `Create network security group ${answers.nsgName} (UDP ${vxlanPort} from the sources, no SSH from the internet)`,
    resourceId: ids.nsgId,
    resourceType: 'Microsoft.Network/networkSecurityGroups',
    apiVersion: networkApiVersion,
    body: { location: answers.region, properties: { securityRules: rules } },
    dependsOn: [...groupDependsOn],
    tenantId,
    existing: nsgExisting,
  });
  const nicAction = list.add({
    kind: 'put',
    title: `Create network interface ${answers.nicName} (accelerated networking, no public IP)`,
    resourceId: ids.nicId,
    resourceType: 'Microsoft.Network/networkInterfaces',
    apiVersion: networkApiVersion,
    body: {
      location: answers.region,
      properties: {
        enableAcceleratedNetworking: true,
        networkSecurityGroup: { id: ids.nsgId },
        ipConfigurations: [{ name: ipConfigurationName, properties: { primary: true, privateIPAllocationMethod: 'Dynamic', subnet: { id: answers.subnetId } } }],
      },
    },
    dependsOn: [nsgAction.id],
    tenantId,
    existing: nicExisting,
  });
  list.add({
    kind: 'put',
    title: `Create VM ${answers.vmName} (${answers.size})${answers.cloudInit ? ` with the cloud-init file ${answers.cloudInit.path}` : ''}`,
    resourceId: ids.vmId,
    resourceType: 'Microsoft.Compute/virtualMachines',
    apiVersion: computeApiVersion,
    body: collectorVmBody(answers, imageVersion),
    dependsOn: [nicAction.id],
    tenantId,
    existing: vmExisting,
    ...(answers.cloudInit ? { fileFields: [{ field: 'properties.osProfile.customData', path: answers.cloudInit.path }] } : {}),
    impact: size ? `Runs ${size.vCPUs} vCPUs and ${answers.dataDiskGiB + collectorDefaults.osDiskGiB} GiB of ${answers.osDiskType} disks, billed while the VM exists (disks also while it is stopped).` : undefined,
  });

  if (answers.cloudInit) {
    warnings.push(`The cloud-init file ${answers.cloudInit.path} runs as root on the first boot; it is shown with the VM below and sent as custom data, never written to the log.`);
  }
  warnings.push('The VM has no public IP: reach it over the virtual network (Azure Bastion, a VPN or a peered network).');

  const urn = `${answers.image.publisher}:${answers.image.offer}:${answers.image.sku}:${imageVersion}`;
  return {
    kind: 'collectorVm',
    title: `Create collector VM ${answers.vmName} in ${answers.region}`,
    summary: [
      `Creates Linux VM ${answers.vmName} (${answers.size}${size ? `, ${size.vCPUs} vCPUs, ${size.memoryGB} GiB memory` : ''}) from ${urn} in ${answers.subnetId.split('/').slice(-3).filter((_, index) => index !== 1).join('/')}, resource group ${answers.resourceGroup}, signed in with the SSH key from ${answers.sshPublicKey.path} as ${answers.adminUsername} (password sign-in off), with a system-assigned managed identity.`,
      `Disks: a ${collectorDefaults.osDiskGiB} GiB OS disk and a ${answers.dataDiskGiB} GiB empty data disk for captures (${answers.osDiskType}); both, and the NIC, are deleted with the VM.`,
      `Network: NIC ${answers.nicName} with accelerated networking and no public IP, behind NSG ${answers.nsgName}.`,
      ...collectorDuties,
    ],
    checks,
    warnings,
    actions: list.actions,
  };
}
