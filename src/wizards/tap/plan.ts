/**
 * Plans for virtual network TAP: mirror NICs into a TAP (creating it when needed, with an optional
 * NSG rule for VXLAN and optional VM restarts), remove a TAP with its tap configurations, or remove
 * one NIC's tap configuration. Pure: the answers and the estate in, a `Plan` out.
 */
import { idKey, nameOf, parentId } from '../../azure/armIds';
import { ActionList } from '../shared/actionList';
import type { Plan, PlanCheck, PlanRemedy } from '../../core/plan';
import {
  acceleratedNetworkingCheck,
  destinationNsgNames,
  freeInboundPriority,
  ipv4Check,
  loadBalancerCheck,
  oneConfigurationCheck,
  reachCheck,
  reachOf,
  regionCheck,
  vxlanDestinationAddresses,
  tenantCheck,
  sameRegionCheck,
  validateTapName,
  vxlanBlocks,
  type TapCheckInput,
} from './checks';
import { normalizeRegion } from './tapRegions';
import { tapArmId, vxlanPort, type TapDestination, type TapDestinationKind, type TapEstate, type TapRef, type TapSourceNic } from './tapModel';
import { defaultNetworkName } from '../shared/networkNames';
import { computeApiVersion, networkApiVersion } from '../shared/apiVersions';

/** The name of the NSG rule the plan adds when an NSG drops VXLAN. */
export const vxlanRuleName = 'AllowVxlanInbound';

export interface TapAnswers {
  destinationKind: TapDestinationKind;
  /** Lower-cased id of the NIC IP configuration or load balancer frontend. */
  destinationId: string;
  /** Reuse a TAP (its lower-cased id), or create one with this name. */
  tap: { kind: 'existing'; id: string } | { kind: 'new'; name: string };
  /** Lower-cased NIC ids. */
  sourceIds: string[];
  configurationName: string;
  addNsgRule: boolean;
  restartVms: boolean;
}

/** The default tap configuration name for a TAP: `tapcfg-<tap>`, cut to Azure's 80 characters. */
/** What receives mirrored packets, for check details: the NIC, or a load balancer's backend pool members. */
function receivers(destination: TapDestination): string {
  const backends = destination.kind === 'loadBalancer' ? destination.backends ?? [] : [];
  if (backends.length === 0) {
    return destination.label;
  }
  return `the backends of ${destination.label} (${backends.map((backend) => (backend.privateIp ? `${backend.label}, ${backend.privateIp}` : backend.label)).join('; ')})`;
}

/** One address as `destinationAddressPrefix`, several as `destinationAddressPrefixes` (Azure takes one or the other), none as the VNet. */
function vxlanDestinationField(addresses: string[]): { destinationAddressPrefix: string } | { destinationAddressPrefixes: string[] } {
  if (addresses.length > 1) {
    return { destinationAddressPrefixes: addresses };
  }
  return { destinationAddressPrefix: addresses[0] ?? 'VirtualNetwork' };
}

export function defaultConfigurationName(tapName: string): string {
  return defaultNetworkName(`tapcfg-${tapName}`);
}

/** A TAP destination's kind by its id: a load balancer frontend or a NIC IP configuration. */
function destinationKindOf(destinationArmId: string): TapDestinationKind {
  return /\/frontendipconfigurations\//i.test(destinationArmId) ? 'loadBalancer' : 'nic';
}

/** The TAP's body; an existing TAP's tags are kept. */
function tapBody(location: string, kind: TapDestinationKind, destinationArmId: string, tags?: Record<string, string>): Record<string, unknown> {
  const destination = kind === 'nic' ? { destinationNetworkInterfaceIPConfiguration: { id: destinationArmId } } : { destinationLoadBalancerFrontEndIPConfiguration: { id: destinationArmId } };
  return { location, ...(tags && Object.keys(tags).length > 0 ? { tags } : {}), properties: { ...destination, destinationPort: vxlanPort } };
}

function configurationBody(tapArm: string): Record<string, unknown> {
  return { properties: { virtualNetworkTap: { id: tapArm } } };
}

/** Mirrors the chosen NICs into a TAP: the plan with its checks, warnings and actions. */
export function planTap(answers: TapAnswers, estate: TapEstate): Plan {
  const destination = estate.destinations.find((item) => item.id === answers.destinationId);
  if (destination === undefined) {
    throw new Error(`The destination ${answers.destinationId} is no longer in the inventory. Refresh the view and run the wizard again.`);
  }
  const existingTap: TapRef | undefined =
    answers.tap.kind === 'existing'
      ? estate.taps.find((tap) => tap.id === (answers.tap as { id: string }).id)
      : estate.taps.find((tap) => tap.id === idKey(tapArmId(destination, (answers.tap as { name: string }).name)));
  if (answers.tap.kind === 'existing' && existingTap === undefined) {
    throw new Error(`The virtual network TAP ${nameOf(answers.tap.id)} is no longer in the inventory. Refresh the view and run the wizard again.`);
  }
  const tapName = existingTap?.name ?? (answers.tap.kind === 'new' ? answers.tap.name : '');
  const tapArm = existingTap?.armId ?? tapArmId(destination, tapName);
  const tapId = idKey(tapArm);
  const tapLocation = existingTap?.location ?? destination.location;
  const nics = new Map(estate.nics.map((nic) => [nic.id, nic]));
  const sources = answers.sourceIds.map((id) => {
    const nic = nics.get(id);
    if (nic === undefined) {
      throw new Error(`The network interface ${nameOf(id)} is no longer in the inventory. Refresh the view and run the wizard again.`);
    }
    return nic;
  });

  const input: TapCheckInput = { destination, tapId, tapName, tapLocation, sources, estate };
  const checks: PlanCheck[] = [];
  const nameProblem = answers.tap.kind === 'new' ? validateTapName(tapName) : undefined;
  if (nameProblem !== undefined) {
    checks.push({ id: 'tap.name', title: 'TAP name', status: 'failed', detail: `${tapName}: ${nameProblem}` });
  }
  const configurationProblem = validateTapName(answers.configurationName, 'A tap configuration name');
  if (configurationProblem !== undefined) {
    checks.push({ id: 'tap.configurationName', title: 'Tap configuration name', status: 'failed', detail: `${answers.configurationName}: ${configurationProblem}` });
  }
  if (sources.length === 0) {
    checks.push({ id: 'tap.sources', title: 'Sources', status: 'failed', detail: 'No network interface was chosen to mirror.' });
  }
  checks.push(regionCheck(input), sameRegionCheck(input), tenantCheck(input), reachCheck(input), oneConfigurationCheck(input));
  const lbCheck = loadBalancerCheck(input);
  if (lbCheck) {
    checks.push(lbCheck);
  }
  checks.push(ipv4Check(input));

  const list = new ActionList();

  // NSG rules first: the collector must accept VXLAN before packets arrive.
  const blocks = vxlanBlocks(input);
  const nsgNames = destinationNsgNames(input);
  if (blocks.length === 0) {
    checks.push({
      id: 'tap.nsgVxlan',
      title: `Destination accepts UDP ${vxlanPort} (VXLAN)`,
      status: 'passed',
      detail: nsgNames.length === 0 ? `No NSG is attached to ${receivers(destination)} or ${destination.backends?.length ? 'their subnets' : 'its subnet'}.` : `${nsgNames.join(' and ')} ${nsgNames.length === 1 ? 'allows' : 'allow'} inbound UDP ${vxlanPort} from the sources to ${receivers(destination)}.`,
    });
  } else if (!answers.addNsgRule) {
    checks.push({
      id: 'tap.nsgVxlan',
      title: `Destination accepts UDP ${vxlanPort} (VXLAN)`,
      status: 'warning',
      detail: `${blocks.map((block) => `${block.nsg.name} rule ${block.rule.name} (priority ${block.rule.priority}) denies inbound UDP ${vxlanPort}`).join('; ')}: mirrored packets will be dropped before they reach ${destination.label}.`,
    });
  } else {
    const fixedBy: string[] = [];
    const unfixable: string[] = [];
    for (const block of blocks) {
      const existingRule = block.nsg.rules.find((rule) => rule.name.toLowerCase() === vxlanRuleName.toLowerCase());
      const priority = freeInboundPriority({ ...block.nsg, rules: block.nsg.rules.filter((rule) => rule !== existingRule) }, block.rule.priority);
      if (priority === undefined) {
        unfixable.push(`${block.nsg.name} has no free inbound priority before ${block.rule.name} (${block.rule.priority})`);
        continue;
      }
      const rule = list.add({
        kind: 'put',
        title: `Allow inbound UDP ${vxlanPort} in ${block.nsg.name} (rule ${vxlanRuleName}, priority ${priority})`,
        resourceId: `${block.nsg.armId}/securityRules/${vxlanRuleName}`,
        resourceType: 'Microsoft.Network/networkSecurityGroups/securityRules',
        apiVersion: networkApiVersion,
        body: {
          properties: {
            description: 'VXLAN from virtual network TAP sources',
            priority,
            direction: 'Inbound',
            access: 'Allow',
            protocol: 'Udp',
            sourceAddressPrefix: 'VirtualNetwork',
            sourcePortRange: '*',
            ...vxlanDestinationField(vxlanDestinationAddresses(input)),
            destinationPortRange: String(vxlanPort),
          },
        },
        dependsOn: [],
        tenantId: destination.tenantId,
        existing: existingRule === undefined ? 'absent' : 'differs',
        undo: existingRule === undefined ? { kind: 'delete' } : { kind: 'none', reason: `${vxlanRuleName} existed before; it keeps its new priority.` },
      });
      fixedBy.push(rule.id);
    }
    checks.push({
      id: 'tap.nsgVxlan',
      title: `Destination accepts UDP ${vxlanPort} (VXLAN)`,
      status: unfixable.length > 0 ? 'failed' : 'fixed',
      detail: [
        ...blocks.map((block) => `${block.nsg.name} rule ${block.rule.name} (priority ${block.rule.priority}) denies inbound UDP ${vxlanPort}`),
        ...(unfixable.length > 0 ? unfixable : [`the plan adds ${vxlanRuleName} before it`]),
      ].join('; '),
      fixedBy: fixedBy.length > 0 ? fixedBy : undefined,
    });
  }
  checks.push(acceleratedNetworkingCheck(input));

  // A reused TAP keeps its own destination, so its body names it with the kind that destination is.
  const body = existingTap?.destinationArmId ? tapBody(tapLocation, destinationKindOf(existingTap.destinationArmId), existingTap.destinationArmId, existingTap.tags) : tapBody(tapLocation, destination.kind, destination.armId, existingTap?.tags);
  const tapSame = existingTap !== undefined && existingTap.destinationId === destination.id && (existingTap.destinationPort ?? vxlanPort) === vxlanPort;
  if (existingTap !== undefined && existingTap.destinationId !== destination.id && answers.tap.kind === 'new') {
    checks.push({ id: 'tap.existingTap', title: 'TAP name', status: 'failed', detail: `${tapName} already exists in ${destination.resourceGroup} and sends to ${existingTap.destinationArmId ?? 'another destination'}: choose another name or reuse it.` });
  }
  const tapAction = list.add({
    kind: 'put',
    title: existingTap ? `Keep virtual network TAP ${tapName} → ${destination.label}` : `Create virtual network TAP ${tapName} → ${destination.label}:${vxlanPort}`,
    resourceId: tapArm,
    resourceType: 'Microsoft.Network/virtualNetworkTaps',
    apiVersion: networkApiVersion,
    body,
    dependsOn: [],
    tenantId: existingTap?.tenantId ?? destination.tenantId,
    existing: existingTap === undefined ? 'absent' : tapSame ? 'same' : 'differs',
    undo: existingTap === undefined ? { kind: 'delete' } : { kind: 'none', reason: `${tapName} existed before this plan.` },
  }).id;

  // One stop/start per VM, after every tap configuration on its NICs: a VM with several mirrored
  // NICs must not be deallocated twice, or started while another of its NICs is still being set up.
  const restarts = new Map<string, { vmArmId: string; vmName: string; tenantId: string; configurations: string[]; needed: boolean }>();
  for (const nic of sources) {
    const current = nic.tapConfigurations.find((configuration) => configuration.tapId === tapId);
    const configurationAction = list.add({
      kind: 'put',
      title: current ? `Keep tap configuration ${current.name} on ${nic.name}` : `Mirror ${nic.name} into ${tapName} (tap configuration ${answers.configurationName})`,
      resourceId: current?.armId ?? `${nic.armId}/tapConfigurations/${answers.configurationName}`,
      resourceType: 'Microsoft.Network/networkInterfaces/tapConfigurations',
      apiVersion: networkApiVersion,
      body: configurationBody(tapArm),
      dependsOn: [tapAction],
      tenantId: nic.tenantId,
      existing: current ? 'same' : 'absent',
      undo: current ? undefined : { kind: 'delete' },
      impact: current ? undefined : `${nic.name} may lose network connectivity for up to 60 seconds while mirroring is set up.`,
    }).id;
    if (answers.restartVms && nic.vmArmId !== undefined) {
      const vmKey = idKey(nic.vmArmId);
      const restart = restarts.get(vmKey) ?? { vmArmId: nic.vmArmId, vmName: nic.vmName ?? nameOf(nic.vmArmId), tenantId: nic.tenantId, configurations: [], needed: false };
      restart.configurations.push(configurationAction);
      restart.needed ||= current === undefined;
      restarts.set(vmKey, restart);
    }
  }
  let restartCount = 0;
  for (const { vmArmId, vmName, tenantId, configurations, needed } of restarts.values()) {
    if (!needed) {
      continue;
    }
    restartCount += 1;
    const deallocate = list.add({
      kind: 'post',
      title: `Stop (deallocate) ${vmName}`,
      resourceId: vmArmId,
      resourceType: 'Microsoft.Compute/virtualMachines',
      apiVersion: computeApiVersion,
      operation: 'deallocate',
      dependsOn: configurations,
      tenantId,
      existing: 'absent',
      undo: { kind: 'none', reason: `${vmName} is started again by the next step.` },
      impact: `${vmName} is stopped and started: a few minutes of downtime.`,
    }).id;
    list.add({
      kind: 'post',
      title: `Start ${vmName}`,
      resourceId: vmArmId,
      resourceType: 'Microsoft.Compute/virtualMachines',
      apiVersion: computeApiVersion,
      operation: 'start',
      dependsOn: [deallocate],
      tenantId,
      existing: 'absent',
      undo: { kind: 'none', reason: `Starting ${vmName} is not reversed.` },
      impact: `${vmName} comes back after its stop: a few minutes of downtime in all.`,
    });
  }

  const newSources = sources.filter((nic) => !nic.tapConfigurations.some((configuration) => configuration.tapId === tapId));
  const warnings = [
    'Virtual network TAP is in public preview: each source VM must be stopped (deallocated) and started once after the TAP exists for mirroring to begin; until then Azure reports that the NIC is not on fastpath.',
  ];
  if (!answers.restartVms && newSources.some((nic) => nic.vmArmId !== undefined)) {
    warnings.push(`This plan does not restart the VMs: stop (deallocate) and start ${[...new Set(newSources.flatMap((nic) => (nic.vmName ? [nic.vmName] : [])))].join(', ')} yourself after Apply.`);
  }
  const withoutVm = newSources.filter((nic) => nic.vmArmId === undefined).map((nic) => nic.name);
  if (withoutVm.length > 0) {
    warnings.push(`${withoutVm.join(', ')} is not attached to a VM: virtual network TAP mirrors only VM network interfaces.`);
  }

  return {
    kind: 'tap',
    title: `Mirror ${sources.length} NIC${sources.length === 1 ? '' : 's'} to ${destination.label} (virtual network TAP ${tapName})`,
    summary: [
      `${existingTap ? 'Reuse' : 'Create'} virtual network TAP ${tapName} in ${tapLocation} (resource group ${destination.resourceGroup}), sending VXLAN to ${destination.label}${destination.privateIp ? ` (${destination.privateIp})` : ''} on UDP ${vxlanPort}.`,
      `Mirror ${sources.map((nic) => nic.name).join(', ') || 'no NIC'} with tap configuration ${answers.configurationName}${newSources.length < sources.length ? ` (${sources.length - newSources.length} already mirrored, kept)` : ''}.`,
      ...(restartCount > 0 ? [`Stop and start ${restartCount} VM${restartCount === 1 ? '' : 's'} so mirroring begins.`] : []),
    ],
    checks,
    warnings,
    actions: list.actions,
    ...remediesOf(input, tapId),
  };
}

/**
 * The wizards that fix what the checks refuse: "Peer with Hub…" from the destination's VNet (the
 * hub) to the source VNets of the TAP's region and tenant not peered with it or not Connected, and
 * "Stop Mirroring This Network Interface…" for a source mirrored into another TAP. Region and
 * tenant have no such fix, and a peering would not help a source refused for them.
 */
function remediesOf(input: TapCheckInput, tapId: string): { remedies?: PlanRemedy[] } {
  const remedies: PlanRemedy[] = [];
  const destinationVnetId = input.destination.subnetId === undefined ? undefined : parentId(input.destination.subnetId);
  const destinationVnet = input.estate.vnets.find((vnet) => vnet.id === destinationVnetId);
  const unpeered = new Map<string, string>();
  const region = normalizeRegion(input.tapLocation);
  for (const nic of input.sources) {
    if (normalizeRegion(nic.location) !== region || nic.tenantId !== input.destination.tenantId) {
      continue;
    }
    const reach = reachOf(nic, input.destination, input.estate);
    if (!reach.reached && reach.vnetId !== undefined) {
      const vnet = input.estate.vnets.find((candidate) => candidate.id === reach.vnetId);
      unpeered.set(reach.vnetId, vnet?.armId ?? reach.vnetId);
    }
  }
  if (destinationVnet !== undefined && unpeered.size > 0) {
    remedies.push({
      id: 'peer',
      label: 'Peer with Hub…',
      detail: `${destinationVnet.name} with ${[...unpeered.values()].map(nameOf).join(', ')}`,
      command: 'trafficLens.createPeering',
      resourceIds: [destinationVnet.armId, ...unpeered.values()],
    });
  }
  // The review tells remedies apart by id: by the NIC's name, or its ARM id where two sources share a name.
  const sharedNames = new Set(input.sources.map((nic) => nic.name).filter((name, index, names) => names.indexOf(name) !== index));
  for (const nic of input.sources) {
    const other = nic.tapConfigurations.find((configuration) => configuration.tapId !== tapId);
    if (other !== undefined) {
      remedies.push({
        id: `stopMirroring:${sharedNames.has(nic.name) ? nic.id : nic.name}`,
        label: 'Stop Mirroring This Network Interface…',
        detail: `${nic.name} (mirrors into ${input.estate.taps.find((tap) => tap.id === other.tapId)?.name ?? nameOf(other.tapId)})`,
        command: 'trafficLens.removeTapSource',
        resourceIds: [nic.armId],
      });
    }
  }
  return remedies.length > 0 ? { remedies } : {};
}

/** Removes a TAP: every tap configuration that mirrors into it, then the TAP. */
export function planRemoveTap(tap: TapRef, estate: TapEstate): Plan {
  const list = new ActionList();
  const nicsByConfiguration = new Map<string, TapSourceNic>();
  for (const nic of estate.nics) {
    for (const configuration of nic.tapConfigurations) {
      nicsByConfiguration.set(configuration.id, nic);
    }
  }
  const configurationIds = [...new Set([...tap.sourceIds, ...estate.nics.flatMap((nic) => nic.tapConfigurations.filter((configuration) => configuration.tapId === tap.id).map((configuration) => configuration.id))])];
  for (const configurationId of configurationIds) {
    const nic = nicsByConfiguration.get(configurationId);
    const configuration = nic?.tapConfigurations.find((item) => item.id === configurationId);
    const nicName = nic?.name ?? nameOf(parentId(configurationId));
    list.add({
      kind: 'delete',
      title: `Remove tap configuration ${configuration?.name ?? nameOf(configurationId)} from ${nicName}`,
      resourceId: configuration?.armId ?? configurationId,
      resourceType: 'Microsoft.Network/networkInterfaces/tapConfigurations',
      apiVersion: networkApiVersion,
      dependsOn: [],
      tenantId: nic?.tenantId ?? tap.tenantId,
      existing: 'differs',
      undo: { kind: 'put', body: configurationBody(tap.armId) },
      impact: `${nicName} may lose network connectivity for up to 60 seconds.`,
    });
  }
  list.add({
    kind: 'delete',
    title: `Delete virtual network TAP ${tap.name}`,
    resourceId: tap.armId,
    resourceType: 'Microsoft.Network/virtualNetworkTaps',
    apiVersion: networkApiVersion,
    dependsOn: list.actions.map((action) => action.id),
    tenantId: tap.tenantId,
    existing: 'differs',
    undo: tap.destinationArmId ? { kind: 'put', body: tapBody(tap.location, destinationKindOf(tap.destinationArmId), tap.destinationArmId, tap.tags) } : { kind: 'none', reason: `${tap.name} has no destination to recreate it with.` },
  });
  const unseen = configurationIds.filter((id) => !nicsByConfiguration.has(id));
  return {
    kind: 'removeTap',
    title: `Remove virtual network TAP ${tap.name} and its ${configurationIds.length} tap configuration${configurationIds.length === 1 ? '' : 's'}`,
    summary: [`Remove the tap configurations that mirror into ${tap.name}, then delete ${tap.name} (resource group ${tap.resourceGroup}).`],
    checks: [
      {
        id: 'removeTap.sources',
        title: 'Tap configurations found',
        status: unseen.length > 0 ? 'warning' : 'passed',
        detail:
          unseen.length > 0
            ? `${unseen.map(nameOf).join(', ')} ${unseen.length === 1 ? 'belongs' : 'belong'} to NICs the tree does not show (another subscription or tenant); deleting them may need access there.`
            : `${configurationIds.length === 1 ? '1 tap configuration mirrors' : `${configurationIds.length} tap configurations mirror`} into ${tap.name}.`,
      },
    ],
    warnings: ['Removing a tap configuration can interrupt the NIC\u2019s traffic for up to 60 seconds (virtual network TAP preview).'],
    actions: list.actions,
  };
}

/** Removes one NIC's tap configuration (the NIC stops mirroring; the TAP stays). */
export function planRemoveTapSource(nic: TapSourceNic, estate: TapEstate, tapId?: string): Plan {
  const configurations = nic.tapConfigurations.filter((configuration) => tapId === undefined || configuration.tapId === tapId);
  const taps = new Map(estate.taps.map((tap) => [tap.id, tap]));
  const list = new ActionList();
  for (const configuration of configurations) {
    const tap = taps.get(configuration.tapId);
    list.add({
      kind: 'delete',
      title: `Remove tap configuration ${configuration.name} from ${nic.name} (stops mirroring into ${tap?.name ?? nameOf(configuration.tapId)})`,
      resourceId: configuration.armId,
      resourceType: 'Microsoft.Network/networkInterfaces/tapConfigurations',
      apiVersion: networkApiVersion,
      dependsOn: [],
      tenantId: nic.tenantId,
      existing: 'differs',
      undo: tap ? { kind: 'put', body: configurationBody(tap.armId) } : { kind: 'none', reason: 'The TAP is not in the inventory.' },
      impact: `${nic.name} may lose network connectivity for up to 60 seconds.`,
    });
  }
  return {
    kind: 'removeTap',
    title: `Stop mirroring ${nic.name}`,
    summary: [`Remove ${configurations.map((configuration) => configuration.name).join(', ') || 'no tap configuration'} from ${nic.name}.`],
    checks: [
      configurations.length === 0
        ? { id: 'removeTapSource.found', title: 'Tap configuration found', status: 'failed', detail: `${nic.name} has no tap configuration${tapId ? ` for ${taps.get(tapId)?.name ?? nameOf(tapId)}` : ''}.` }
        : { id: 'removeTapSource.found', title: 'Tap configuration found', status: 'passed', detail: `${nic.name} mirrors through ${configurations.map((configuration) => configuration.name).join(', ')}.` },
    ],
    warnings: ['Removing a tap configuration can interrupt the NIC\u2019s traffic for up to 60 seconds (virtual network TAP preview).'],
    actions: list.actions,
  };
}
