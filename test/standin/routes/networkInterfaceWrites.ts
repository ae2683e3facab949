import { randomUUID } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { ArmError, invalidRequest } from '../armErrors';
import type { RequestContext, Route } from '../http';
import { asObject, idKey, newEtag, refId, type ArmResource, type JsonObject } from '../state';
import { types } from '../types';
import { bodyProperties, requireResourceGroup, startDelete, startPut, topId } from './common';
import { catalogOf } from './computeOffers';
import { findSize } from '../computeCatalog';
import { dropBackReference } from './networkSecurityGroupWrites';
import { networkPath } from './paths';

const base = { family: 'network', resourceType: 'networkInterfaces', namespace: 'Microsoft.Network' } as const;

/** The first address of the subnet no IP configuration holds, after Azure's five reserved ones. */
function freeAddress(context: RequestContext, subnet: ArmResource): string {
  const prefix = String(subnet.properties.addressPrefix ?? '');
  const [network, bits] = ipaddr.IPv4.parseCIDR(prefix);
  const taken = new Set<string>();
  for (const nic of context.core.state.list(types.networkInterface, `/subscriptions/${context.params.subscriptionId}`)) {
    for (const configuration of (nic.properties.ipConfigurations as JsonObject[] | undefined) ?? []) {
      const properties = asObject(configuration.properties);
      if (idKey(refId(properties.subnet) ?? '') === idKey(subnet.id)) {
        taken.add(String(properties.privateIPAddress));
      }
    }
  }
  const start = network.toByteArray().reduce((value, byte) => value * 256 + byte, 0);
  const size = 2 ** (32 - bits);
  // Azure keeps the first four addresses and the last one of every subnet
  // (https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq#are-there-any-restrictions-on-using-ip-addresses-within-these-subnets).
  for (let offset = 4; offset < size - 1; offset += 1) {
    const value = start + offset;
    const address = [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
    if (!taken.has(address)) {
      return address;
    }
  }
  throw new ArmError(400, 'SubnetIsFull', `Subnet ${subnet.name} with address prefix ${prefix} does not have enough capacity for 1 IP addresses.`, { details: [] });
}

/**
 * NetworkInterfaces_CreateOrUpdate (long-running like the other network PUTs). A new NIC needs an
 * IP configuration in an existing subnet of its region and gets a free dynamic address and a MAC
 * once created; an update keeps what the provider owns (MAC, VM, addresses) and takes
 * `enableAcceleratedNetworking`, `enableIPForwarding`, the NSG, DNS servers and tags. The network
 * provider accepts accelerated networking on the NIC of a running VM; it takes effect after the VM
 * is deallocated and started (MicrosoftDocs/azure-docs#26251, #60667), which `start` checks. Turning
 * it on for a NIC attached to a VM whose size does not support it is refused by the network
 * provider whatever the VM's power state, with `VMSizeIsNotPermittedToEnableAcceleratedNetworking`
 * (the code and wording seen in Azure/Moodle#124; supported sizes:
 * https://learn.microsoft.com/azure/virtual-network/accelerated-networking-overview#supported-vm-instances).
 */
function putNetworkInterface(context: RequestContext) {
  const { state } = context.core;
  const group = requireResourceGroup(context);
  const id = topId(group, types.networkInterface, context.params.networkInterfaceName);
  const existing = state.getTyped(types.networkInterface, id);
  const location = String(context.body.location ?? '').replace(/\s+/g, '').toLowerCase();
  if (location === '') {
    throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
  }
  const properties = bodyProperties(context);
  const requested = Array.isArray(properties.ipConfigurations) ? (properties.ipConfigurations as JsonObject[]) : [];
  if (requested.length === 0) {
    throw invalidRequest('NetworkInterfaceMustHaveAtLeastOneIpConfiguration', `Network interface ${id} must have at least one IP configuration.`);
  }
  const previousConfigurations = (existing?.properties.ipConfigurations as JsonObject[] | undefined) ?? [];
  const ipConfigurations = requested.map((configuration, index) => {
    const name = String(configuration.name ?? `ipconfig${index + 1}`);
    const configurationProperties = asObject(configuration.properties);
    const subnetId = refId(configurationProperties.subnet) ?? '';
    const subnet = state.getTyped(types.subnet, subnetId);
    const vnet = subnet ? state.getTyped(types.virtualNetwork, subnetId.replace(/\/subnets\/[^/]+$/i, '')) : undefined;
    if (!subnet || String(vnet?.location).toLowerCase() !== location) {
      throw invalidRequest('InvalidResourceReference', `Resource ${subnetId} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
    }
    const previous = previousConfigurations.find((item) => String(item.name).toLowerCase() === name.toLowerCase());
    const previousProperties = asObject(previous?.properties);
    const isStatic = String(configurationProperties.privateIPAllocationMethod ?? 'Dynamic').toLowerCase() === 'static';
    const privateIPAddress = isStatic && typeof configurationProperties.privateIPAddress === 'string'
      ? configurationProperties.privateIPAddress
      : (typeof previousProperties.privateIPAddress === 'string' && idKey(refId(previousProperties.subnet) ?? '') === idKey(subnet.id) ? previousProperties.privateIPAddress : freeAddress(context, subnet));
    return {
      name,
      id: `${id}/ipConfigurations/${name}`,
      etag: newEtag(),
      type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
      properties: {
        ...configurationProperties,
        provisioningState: 'Succeeded',
        privateIPAddress,
        privateIPAllocationMethod: isStatic ? 'Static' : 'Dynamic',
        subnet: { id: subnet.id },
        primary: configurationProperties.primary ?? index === 0,
        privateIPAddressVersion: configurationProperties.privateIPAddressVersion ?? 'IPv4',
      },
    };
  });
  const vmId = refId(existing?.properties.virtualMachine);
  const vm = vmId ? state.getTyped(types.virtualMachine, vmId) : undefined;
  if (vm && properties.enableAcceleratedNetworking === true && existing?.properties.enableAcceleratedNetworking !== true) {
    const vmSize = String(asObject(vm.properties.hardwareProfile).vmSize ?? '');
    if (findSize(catalogOf(context), vmSize)?.acceleratedNetworking !== true) {
      const allowed = catalogOf(context).sizes.filter((size) => size.acceleratedNetworking).map((size) => size.name);
      throw new ArmError(400, 'VMSizeIsNotPermittedToEnableAcceleratedNetworking', `Virtual Machine size ${vmSize} is not in the allowed list of VM sizes for accelerated networking to be enabled on Network Interface ${vm.id}. Allowed sizes: ${allowed.join(', ')}.`, { details: [] });
    }
  }
  const nsgId = refId(properties.networkSecurityGroup);
  if (nsgId && !state.getTyped(types.networkSecurityGroup, nsgId)) {
    throw invalidRequest('InvalidResourceReference', `Resource ${nsgId} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
  }
  const kept = existing ? existing.properties : {
    resourceGuid: randomUUID(),
    macAddress: `00-0D-3A-${randomUUID().replace(/-/g, '').slice(0, 6).toUpperCase().match(/../g)?.join('-') ?? '00-00-00'}`,
    primary: true,
    vnetEncryptionSupported: false,
    nicType: 'Standard',
    hostedWorkloads: [],
    tapConfigurations: [],
  };
  const resource: ArmResource = {
    id: existing?.id ?? id,
    name: existing?.name ?? context.params.networkInterfaceName,
    type: types.networkInterface,
    location,
    tags: (context.body.tags as Record<string, string> | undefined) ?? {},
    properties: {
      ...kept,
      ipConfigurations,
      dnsSettings: { ...asObject(kept.dnsSettings), dnsServers: asObject(properties.dnsSettings).dnsServers ?? [], appliedDnsServers: [] },
      enableAcceleratedNetworking: properties.enableAcceleratedNetworking === true,
      enableIPForwarding: properties.enableIPForwarding === true,
      disableTcpStateTracking: properties.disableTcpStateTracking === true,
      auxiliaryMode: properties.auxiliaryMode ?? 'None',
      ...(nsgId ? { networkSecurityGroup: { id: nsgId } } : {}),
    },
  };
  if (!nsgId) {
    delete resource.properties.networkSecurityGroup;
  }
  for (const configuration of ipConfigurations) {
    const subnet = state.getTyped(types.subnet, configuration.properties.subnet.id);
    const references = Array.isArray(subnet?.properties.ipConfigurations) ? (subnet.properties.ipConfigurations as JsonObject[]) : [];
    if (subnet && !references.some((reference) => idKey(String(reference.id)) === idKey(configuration.id))) {
      subnet.properties.ipConfigurations = [...references, { id: configuration.id }];
    }
  }
  // The NSG lists the NICs it is attached to (pushed by the topology too): move the back-reference.
  const oldNsgId = refId(existing?.properties.networkSecurityGroup);
  if (oldNsgId && idKey(oldNsgId) !== idKey(nsgId ?? '')) {
    const oldNsg = state.getTyped(types.networkSecurityGroup, oldNsgId);
    if (oldNsg && Array.isArray(oldNsg.properties.networkInterfaces)) {
      oldNsg.properties.networkInterfaces = (oldNsg.properties.networkInterfaces as JsonObject[]).filter((reference) => idKey(String(reference.id)) !== idKey(resource.id));
    }
  }
  const newNsg = nsgId ? state.getTyped(types.networkSecurityGroup, nsgId) : undefined;
  if (newNsg) {
    const references = Array.isArray(newNsg.properties.networkInterfaces) ? (newNsg.properties.networkInterfaces as JsonObject[]) : [];
    if (!references.some((reference) => idKey(String(reference.id)) === idKey(resource.id))) {
      newNsg.properties.networkInterfaces = [...references, { id: resource.id }];
    }
  }
  const previous = existing ? structuredClone(existing) : undefined;
  return startPut(context, resource, {
    existed: existing !== undefined,
    onFailed: () => {
      if (previous) {
        state.put(previous);
      }
    },
  });
}

/** Removes a deleted NIC from the subnets and the NSG that list it. */
export function forgetNetworkInterface(context: RequestContext, nic: ArmResource): void {
  const { state } = context.core;
  for (const configuration of (nic.properties.ipConfigurations as JsonObject[] | undefined) ?? []) {
    dropBackReference(state.getTyped(types.subnet, refId(asObject(configuration.properties).subnet) ?? ''), 'ipConfigurations', nic.id);
  }
  dropBackReference(state.getTyped(types.networkSecurityGroup, refId(nic.properties.networkSecurityGroup) ?? ''), 'networkInterfaces', nic.id);
}

/**
 * NetworkInterfaces_Delete: a NIC a VM still uses is refused with `NicInUse`, worded as the network
 * provider words it (Azure/azure-cli#6585); otherwise it goes when the operation ends.
 */
function deleteNetworkInterface(context: RequestContext) {
  const group = requireResourceGroup(context);
  const nic = context.core.state.getTyped(types.networkInterface, topId(group, types.networkInterface, context.params.networkInterfaceName));
  const vmId = refId(nic?.properties.virtualMachine);
  if (nic && vmId) {
    throw invalidRequest('NicInUse', `Network Interface ${nic.id} is used by existing resource ${vmId}. In order to delete the network interface, it must be dissociated from the resource. To learn more, see aka.ms/deletenic.`);
  }
  return startDelete(context, nic, () => {
    if (nic) {
      forgetNetworkInterface(context, nic);
    }
  });
}

export const networkInterfaceWriteRoutes: Route[] = [
  { ...base, method: 'PUT', template: `${networkPath}/networkInterfaces/{networkInterfaceName}`, handle: putNetworkInterface },
  { ...base, method: 'DELETE', template: `${networkPath}/networkInterfaces/{networkInterfaceName}`, handle: deleteNetworkInterface },
];
