/**
 * The ways to set up traffic monitoring that "Set Up Traffic Monitoring…" offers first, each with
 * what it shows, what it costs and what downtime it takes, in one sentence each. The Get Started
 * walkthrough (media/walkthrough/setUpMonitoring.md) repeats these sentences word for word.
 *
 * Sources (read when these sentences were written):
 * - `az network vnet tap create`: the TAP sends to its destination's VXLAN port.
 * - Virtual network TAP overview (ms.date 04/21/2025): the destination is in the same or a peered
 *   VNet of the same region; monitored NICs in other subscriptions need the same Microsoft Entra
 *   tenant; only VM network interfaces are sources; no IPv6; before its first tap configuration a
 *   source VM is stopped (deallocated) and started once; adding or removing a source can cost up to
 *   60 seconds of network downtime (public preview limitations).
 * - Virtual network peering overview: no downtime when a peering is created or afterwards; "a
 *   nominal charge for ingress and egress traffic that uses a virtual network peering connection".
 * - A Virtual WAN hub connection is not a peering between the spokes, so a TAP whose destination is
 *   reached only through a Virtual WAN hub is outside what the TAP overview documents.
 * - Packet capture overview (ms.date 02/23/2024): captures to and from a VM or scale set, 5-tuple
 *   filters, a time limit of 18,000 seconds (5 hours) by default, saved to a storage blob; needs
 *   the Network Watcher agent VM extension, whose installation "doesn't disrupt, or require a
 *   reboot of the virtual machine" (network-watcher-agent-linux, ms.date 07/16/2024).
 * - Virtual network flow logs overview (ms.date 08/02/2024): Layer 4, every IP flow through the
 *   VNet, collected at one-minute intervals, "They don't affect your Azure resources or network
 *   traffic"; charged per GB collected with 5 GB per month per subscription free, storage billed
 *   separately. NSG flow logs: no new ones since 30 June 2025, retired on 30 September 2027
 *   (nsg-flow-logs-migrate).
 */

export type MonitoringOptionId = '1A' | '1B' | '1C' | '2' | '3';

export interface MonitoringOption {
  id: MonitoringOptionId;
  /** The quick pick label. */
  label: string;
  /** What the set-up creates, for the quick pick's detail line. */
  detail: string;
  /** What traffic the user gets to see, one sentence. */
  visibility: string;
  /** What it costs while it runs, one sentence. */
  cost: string;
  /** What downtime it takes, one sentence. */
  downtime: string;
  /** Shows, costs and downtime in a line the quick pick can show whole. */
  brief: string;
  /** Microsoft documentation the sentences rely on. */
  docs: string[];
}

export const monitoringDocs = {
  tap: 'https://learn.microsoft.com/azure/virtual-network/virtual-network-tap-overview',
  tapCli: 'https://learn.microsoft.com/cli/azure/network/vnet/tap',
  peering: 'https://learn.microsoft.com/azure/virtual-network/virtual-network-peering-overview',
  virtualNetworkPricing: 'https://azure.microsoft.com/pricing/details/virtual-network/',
  virtualWan: 'https://learn.microsoft.com/azure/virtual-wan/virtual-wan-about',
  packetCapture: 'https://learn.microsoft.com/azure/network-watcher/packet-capture-overview',
  networkWatcherAgent: 'https://learn.microsoft.com/azure/network-watcher/network-watcher-agent-linux',
  networkWatcherPricing: 'https://azure.microsoft.com/pricing/details/network-watcher/',
  vnetFlowLogs: 'https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview',
  nsgFlowLogsMigration: 'https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-migrate',
  storageBlobDataReader: 'https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/storage#storage-blob-data-reader',
} as const;

export const monitoringOptions: readonly MonitoringOption[] = [
  {
    id: '1A',
    brief: 'Full packets of chosen NICs · collector VM billed 24/7 · VMs restart once',
    label: 'Collector and TAP in one subscription',
    detail: 'A collector VM in the workload subscription, and a virtual network TAP that mirrors the chosen VM network interfaces to it.',
    visibility: 'Full copies of every packet of the chosen VM network interfaces (IPv4 only), sent to the collector over VXLAN.',
    cost: 'The collector VM (and an internal load balancer, if you pool collectors) runs and is billed around the clock.',
    downtime: 'Each source VM is stopped (deallocated) and started once before its first tap configuration, and adding or removing a source can interrupt its network for up to 60 seconds while TAP is in preview.',
    docs: [monitoringDocs.tap, monitoringDocs.tapCli],
  },
  {
    id: '1B',
    brief: 'Full packets across subscriptions · collector + peering · VMs restart once',
    label: 'Dedicated security subscription with a hub',
    detail: 'A hub VNet and collector in a separate security subscription, a peering each way between the hub and every spoke, and a TAP there that spoke network interfaces mirror into.',
    visibility: 'Full packet copies from VM network interfaces in spokes peered with the hub in the same region, across subscriptions of the same Microsoft Entra tenant.',
    cost: 'The collector VM as in 1A, plus the per-gigabyte peering charge on mirrored traffic entering and leaving the hub.',
    downtime: 'Peerings take no downtime, and each source VM is stopped and started once as in 1A.',
    docs: [monitoringDocs.tap, monitoringDocs.peering, monitoringDocs.virtualNetworkPricing],
  },
  {
    id: '1C',
    brief: 'Full packets of many subscriptions · one collector + peering · VMs restart once',
    label: 'Many spoke subscriptions to a central hub',
    detail: 'The 1B set-up for many spoke subscriptions at once; the plan names the spokes that reach the hub only through an existing Virtual WAN hub, since a TAP destination over Virtual WAN is not supported.',
    visibility: 'Full packet copies from every spoke peered directly with the hub in its region; a spoke connected only through a Virtual WAN hub cannot mirror to it, because a TAP destination must be in the same or a peered virtual network.',
    cost: 'One collector (or a load-balanced pool) serves every spoke, and every spoke\'s mirrored traffic carries the per-gigabyte peering charge.',
    downtime: 'Peerings take no downtime, but every source VM in every spoke is stopped and started once, so plan a maintenance window per spoke.',
    docs: [monitoringDocs.tap, monitoringDocs.peering, monitoringDocs.virtualWan],
  },
  {
    id: '2',
    brief: 'Full packets of one VM, up to 5 hours · capture files · no downtime',
    label: 'On-demand packet capture',
    detail: 'A Network Watcher packet capture on one VM for a limited time, written as a .cap file to a storage account; the Network Watcher agent extension is installed first where it is missing.',
    visibility: 'Full packets to and from one VM, filtered by protocol, addresses and ports, only while the session runs (by default for at most 5 hours).',
    cost: 'Nothing runs between captures: you pay for the capture files in Blob Storage and the Network Watcher charges on its pricing page.',
    downtime: 'None: the VM must be running, and it keeps running while the agent is installed and the capture runs.',
    docs: [monitoringDocs.packetCapture, monitoringDocs.networkWatcherAgent, monitoringDocs.networkWatcherPricing],
  },
  {
    id: '3',
    brief: 'Layer 4 flow records, no payloads · per GB collected + storage · no downtime',
    label: 'VNet flow logs read by a collector',
    detail: 'Virtual network flow logs to a storage account in the VNet\'s region, and a role assignment (Storage Blob Data Reader) so the collector can read them.',
    visibility: 'Layer 4 records of every IP flow through the VNet (addresses, ports, protocol, direction, state, the rule that decided, bytes and packets), every minute, without packet contents.',
    cost: 'Charged per gigabyte of flow logs collected beyond 5 GB a month per subscription, plus their blob storage; NSG flow logs are no alternative, as none can be created since 30 June 2025 and they retire on 30 September 2027.',
    downtime: 'None: flow logs do not affect your resources or their network traffic.',
    docs: [monitoringDocs.vnetFlowLogs, monitoringDocs.nsgFlowLogsMigration, monitoringDocs.storageBlobDataReader],
  },
];
