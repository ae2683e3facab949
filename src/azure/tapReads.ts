/**
 * Reads the TAP wizard needs beyond the tree's inventory: the load balancers of a subscription (for
 * their frontends and SKU), and the IP and tap configurations embedded in a listed NIC.
 */
import type { LoadBalancer, NetworkInterface } from '@azure/arm-network';
import { idKey, nameOf, resourceGroupOf } from './armIds';
import { ArmClients, type ArmAccess } from './armClients';
import type { NicRef, SubscriptionRef } from './networkApi';

/** An IP configuration of a NIC or a load balancer's frontend: where mirrored packets can go. */
export interface IpConfigurationRef {
  id: string;
  armId: string;
  name: string;
  privateIp?: string;
  /** `IPv4` or `IPv6`. */
  ipVersion: string;
  subnetId?: string;
}

export interface FrontendRef extends IpConfigurationRef {
  hasPublicIp: boolean;
}

export interface LoadBalancerRef {
  id: string;
  armId: string;
  name: string;
  resourceGroup: string;
  location: string;
  /** `Standard`, `Basic`, `Gateway`. */
  sku: string;
  frontends: FrontendRef[];
  /** Lower-cased ids of the NIC IP configurations in any backend pool. */
  backendIpConfigurationIds: string[];
  /** Addresses of IP-based backend pool members (no NIC behind them in the inventory). */
  backendAddresses: string[];
  /** Lower-cased ids of frontends a load-balancing rule with Floating IP uses (backends then see the frontend address). */
  floatingIpFrontendIds: string[];
}

export interface NicIpConfigurationRef extends IpConfigurationRef {
  primary: boolean;
}

export interface NicTapConfigurationRef {
  id: string;
  armId: string;
  name: string;
  tapId: string;
}

/** The load balancers of one subscription (one subscription-wide list call), read with the account that lists it. */
export async function listLoadBalancers(account: ArmAccess, subscription: SubscriptionRef, signal?: AbortSignal): Promise<LoadBalancerRef[]> {
  const client = ArmClients.of(account).network(subscription.tenantId, subscription.subscriptionId);
  const found: LoadBalancerRef[] = [];
  for await (const balancer of client.loadBalancers.listAll({ abortSignal: signal })) {
    found.push(toLoadBalancerRef(balancer));
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

export function toLoadBalancerRef(balancer: LoadBalancer): LoadBalancerRef {
  const armId = balancer.id ?? '';
  return {
    id: idKey(armId),
    armId,
    name: balancer.name ?? nameOf(armId),
    resourceGroup: resourceGroupOf(armId),
    location: balancer.location ?? '',
    sku: balancer.sku?.name ?? 'Basic',
    frontends: (balancer.frontendIPConfigurations ?? []).flatMap((frontend) =>
      frontend.id
        ? [{ ...ipConfigurationRef(frontend.id, frontend), hasPublicIp: frontend.publicIPAddress?.id !== undefined || frontend.publicIPPrefix?.id !== undefined }]
        : [],
    ),
    backendIpConfigurationIds: (balancer.backendAddressPools ?? []).flatMap((pool) => (pool.backendIPConfigurations ?? []).flatMap((configuration) => (configuration.id ? [idKey(configuration.id)] : []))),
    backendAddresses: (balancer.backendAddressPools ?? []).flatMap((pool) => (pool.loadBalancerBackendAddresses ?? []).flatMap((address) => (address.ipAddress && !address.networkInterfaceIPConfiguration?.id ? [address.ipAddress] : []))),
    floatingIpFrontendIds: (balancer.loadBalancingRules ?? []).flatMap((rule) => (rule.enableFloatingIP && rule.frontendIPConfiguration?.id ? [idKey(rule.frontendIPConfiguration.id)] : [])),
  };
}

function ipConfigurationRef(armId: string, configuration: { name?: string; privateIPAddress?: string; privateIPAddressVersion?: string; subnet?: { id?: string } }): IpConfigurationRef {
  return {
    id: idKey(armId),
    armId,
    name: configuration.name ?? nameOf(armId),
    privateIp: configuration.privateIPAddress,
    ipVersion: configuration.privateIPAddressVersion ?? 'IPv4',
    subnetId: configuration.subnet?.id ? idKey(configuration.subnet.id) : undefined,
  };
}

function sdkNic(nic: NicRef): NetworkInterface {
  return (nic.properties ?? {}) as NetworkInterface;
}

/** The IP configurations of a listed NIC (they come embedded in the NIC). */
export function nicIpConfigurations(nic: NicRef): NicIpConfigurationRef[] {
  return (sdkNic(nic).ipConfigurations ?? []).flatMap((configuration) =>
    configuration.id
      ? [{ ...ipConfigurationRef(configuration.id, configuration), primary: configuration.primary ?? false }]
      : [],
  );
}

/** The tap configurations of a listed NIC, with the TAP each mirrors into. */
export function nicTapConfigurations(nic: NicRef): NicTapConfigurationRef[] {
  return (sdkNic(nic).tapConfigurations ?? []).flatMap((configuration) =>
    configuration.id
      ? [{ id: idKey(configuration.id), armId: configuration.id, name: configuration.name ?? nameOf(configuration.id), tapId: idKey(configuration.virtualNetworkTap?.id ?? '') }]
      : [],
  );
}

/** The NIC's VM id as Azure spells it. */
export function nicVirtualMachineArmId(nic: NicRef): string | undefined {
  return sdkNic(nic).virtualMachine?.id;
}
