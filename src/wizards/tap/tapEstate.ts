import { listLoadBalancers, nicIpConfigurations, nicTapConfigurations, nicVirtualMachineArmId, type LoadBalancerRef } from '../../azure/tapReads';
import type { EstateSubscription } from '../../inventory/estate';
import type { TapBackend, TapDestination, TapEstate } from './tapModel';
import { reloadSections } from '../shared/estate';

/** Problems reading one subscription's load balancers: the wizard goes on without them and logs this. */
export type LoadBalancerProblem = (subscription: EstateSubscription, error: unknown) => void;

/**
 * Reads what the TAP wizard needs from the subscriptions the tree shows, fresh: the VNets, NICs, NSGs
 * and TAPs are listed again (so the plan sees Azure as it is now), and so are the load balancers.
 */
export async function readTapEstate(subscriptions: EstateSubscription[], onProblem: LoadBalancerProblem, signal?: AbortSignal): Promise<TapEstate> {
  const estate: TapEstate = { destinations: [], nics: [], vnets: [], nsgs: [], taps: [] };
  const pools = new Map<TapDestination, LoadBalancerRef>();
  await Promise.all(
    subscriptions.map(async (entry) => {
      const [, balancers] = await Promise.all([
        reloadSections(entry, 'vnets', 'nics', 'nsgs', 'taps'),
        listLoadBalancers(entry.account, entry.subscription, signal).catch((error: unknown) => {
          onProblem(entry, error);
          return [];
        }),
      ]);
      const { subscriptionId, tenantId, displayName: subscriptionName } = entry.subscription;
      const index = entry.inventory.index();
      estate.vnets.push(...index.vnetsById.values());
      estate.nsgs.push(...index.nsgsById.values());
      for (const tap of index.tapsById.values()) {
        const tags = (tap.properties as { tags?: Record<string, string> } | undefined)?.tags;
        estate.taps.push({ ...tap, subscriptionId, tenantId, ...(tags && Object.keys(tags).length > 0 ? { tags } : {}) });
      }
      for (const nic of index.nicsById.values()) {
        estate.nics.push({
          id: nic.id,
          armId: nic.armId,
          name: nic.name,
          subscriptionId,
          subscriptionName,
          tenantId,
          resourceGroup: nic.resourceGroup,
          location: nic.location,
          subnetIds: nic.subnetIds,
          privateIps: nic.privateIpAddresses,
          vmArmId: nicVirtualMachineArmId(nic),
          vmName: nic.virtualMachineName,
          acceleratedNetworking: nic.acceleratedNetworking,
          tapConfigurations: nicTapConfigurations(nic),
        });
        for (const configuration of nicIpConfigurations(nic)) {
          estate.destinations.push({
            kind: 'nic',
            id: configuration.id,
            armId: configuration.armId,
            label: `${nic.name} › ${configuration.name}`,
            parentArmId: nic.armId,
            parentName: nic.name,
            subscriptionId,
            subscriptionName,
            tenantId,
            resourceGroup: nic.resourceGroup,
            location: nic.location,
            privateIp: configuration.privateIp,
            ipVersion: configuration.ipVersion,
            subnetId: configuration.subnetId,
            nicNsgId: nic.networkSecurityGroupId,
            vmName: nic.virtualMachineName,
            ...(nic.tags ? { tags: nic.tags } : {}),
          });
        }
      }
      for (const balancer of balancers) {
        for (const frontend of balancer.frontends) {
          const destination: TapDestination = {
            kind: 'loadBalancer',
            id: frontend.id,
            armId: frontend.armId,
            label: `${balancer.name} › ${frontend.name}`,
            parentArmId: balancer.armId,
            parentName: balancer.name,
            subscriptionId,
            subscriptionName,
            tenantId,
            resourceGroup: balancer.resourceGroup,
            location: balancer.location,
            privateIp: frontend.privateIp,
            ipVersion: frontend.ipVersion,
            subnetId: frontend.subnetId,
            sku: balancer.sku,
            isPublic: frontend.hasPublicIp,
            floatingIp: balancer.floatingIpFrontendIds.includes(frontend.id),
          };
          pools.set(destination, balancer);
          estate.destinations.push(destination);
        }
      }
    }),
  );
  resolveBackends(estate, pools);
  estate.nics.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  estate.destinations.sort((a, b) => a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
  return estate;
}

/** Fills each load balancer destination's backends from the NIC IP configurations the estate holds (any subscription). */
function resolveBackends(estate: TapEstate, pools: ReadonlyMap<TapDestination, LoadBalancerRef>): void {
  const configurations = new Map<string, TapBackend>();
  for (const destination of estate.destinations) {
    if (destination.kind === 'nic') {
      configurations.set(destination.id, { label: destination.label, privateIp: destination.privateIp, subnetId: destination.subnetId, nicNsgId: destination.nicNsgId });
    }
  }
  for (const [destination, balancer] of pools) {
    destination.backends = [
      ...balancer.backendIpConfigurationIds.map((id) => configurations.get(id) ?? { label: id.split('/').slice(-3, -2).join('') || id }),
      ...balancer.backendAddresses.map((address) => ({ label: address, privateIp: address, subnetId: destination.subnetId })),
    ];
  }
}
