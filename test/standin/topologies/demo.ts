import { armIds, type Topology } from '../topology';

export const demoTenantId = '7c3e9a41-5b2d-4f8e-a1c6-3d9b0e2f4a58';
export const partnerTenantId = 'e2d4f6a8-1b3c-4d5e-8f70-9a1b2c3d4e5f';
export const hubSubscriptionId = '3f2a8c91-6d4e-4b7a-9e15-0c8d2b4f6a13';
export const prodSubscriptionId = '8b1d4e72-2c9a-4f3e-b6d8-5a7c9e1f3b24';
export const devSubscriptionId = 'c5e7a9b1-3d2f-4a6c-8e0b-1f3d5a7c9e35';
export const secopsSubscriptionId = '07e48360-1029-41a8-8039-389cc941cc9f';

const hub = (group: string) => ({
  vnet: (name: string) => armIds.virtualNetwork(hubSubscriptionId, group, name),
  subnet: (vnet: string, name: string) => armIds.subnet(hubSubscriptionId, group, vnet, name),
  nsg: (name: string) => armIds.networkSecurityGroup(hubSubscriptionId, group, name),
  nic: (name: string) => armIds.networkInterface(hubSubscriptionId, group, name),
  vm: (name: string) => armIds.virtualMachine(hubSubscriptionId, group, name),
});
const prod = (group: string) => ({
  vnet: (name: string) => armIds.virtualNetwork(prodSubscriptionId, group, name),
  subnet: (vnet: string, name: string) => armIds.subnet(prodSubscriptionId, group, vnet, name),
  nsg: (name: string) => armIds.networkSecurityGroup(prodSubscriptionId, group, name),
  vm: (name: string) => armIds.virtualMachine(prodSubscriptionId, group, name),
});
const dev = (group: string) => ({
  vnet: (name: string) => armIds.virtualNetwork(devSubscriptionId, group, name),
  subnet: (vnet: string, name: string) => armIds.subnet(devSubscriptionId, group, vnet, name),
  nsg: (name: string) => armIds.networkSecurityGroup(devSubscriptionId, group, name),
  vm: (name: string) => armIds.virtualMachine(devSubscriptionId, group, name),
});

export const hubVnetId = hub('rg-hub-network').vnet('vnet-hub');
export const prodVnetId = prod('rg-prod-network').vnet('vnet-prod-spoke');
/** An availability set whose VMs' NICs have accelerated networking off. */
export const legacyAvailabilitySetId = armIds.availabilitySet(prodSubscriptionId, 'rg-prod-app', 'avset-app-legacy');
export const devVnetId = dev('rg-dev-network').vnet('vnet-dev-spoke');
export const devSandboxVnetId = dev('rg-dev-network').vnet('vnet-dev-sandbox');
export const collectorNicId = hub('rg-hub-network').nic('nic-collector-01');
export const collectorTapId = armIds.virtualNetworkTap(hubSubscriptionId, 'rg-hub-network', 'vtap-collectors');
export const hubFlowLogStorageId = armIds.storageAccount(hubSubscriptionId, 'rg-hub-logs', 'sthubflowlogsgwc01');
export const hubFlowLogStorageUkSouthId = armIds.storageAccount(hubSubscriptionId, 'rg-hub-logs', 'sthubflowlogsuks01');

// The dedicated security subscription: a hub VNet waiting for its collector, and an existing Virtual WAN.
const secops = (group: string) => ({
  vnet: (name: string) => armIds.virtualNetwork(secopsSubscriptionId, group, name),
  subnet: (vnet: string, name: string) => armIds.subnet(secopsSubscriptionId, group, vnet, name),
  nsg: (name: string) => armIds.networkSecurityGroup(secopsSubscriptionId, group, name),
});
export const secopsHubVnetId = secops('rg-secops-network').vnet('vnet-secops-hub');
export const secopsSensorsSubnetId = secops('rg-secops-network').subnet('vnet-secops-hub', 'snet-sensors');
export const secopsSensorsNsgId = secops('rg-secops-network').nsg('nsg-secops-sensors');
export const secopsFlowLogStorageId = armIds.storageAccount(secopsSubscriptionId, 'rg-secops-network', 'stsecopsflowlogs01');
export const secopsNetworkWatcherId = armIds.networkWatcher(secopsSubscriptionId, 'NetworkWatcherRG', 'NetworkWatcher_germanywestcentral');
export const virtualWanId = armIds.virtualWan(secopsSubscriptionId, 'rg-secops-wan', 'vwan-contoso');
export const virtualWanHubId = armIds.virtualHub(secopsSubscriptionId, 'rg-secops-wan', 'vhub-germanywestcentral');
/** vnet-dev-spoke's connection to the Virtual WAN hub. */
export const devHubConnectionId = `${virtualWanHubId}/hubVirtualNetworkConnections/conn-vnet-dev-spoke`;

/**
 * The demo estate: a security hub subscription (hub VNet, collector VM behind an internal load
 * balancer, a virtual network TAP, flow-log storage) and two workload subscriptions with spoke
 * VNets. Prod is peered with the hub (Connected both ways); dev has only its own side (Initiated),
 * a sandbox VNet overlapping prod's address space, and Microsoft.Insights not registered.
 * A dedicated security subscription (Contoso Security Operations) holds what a new monitoring
 * set-up starts from: a hub VNet with a sensors subnet behind an NSG but no collector VM and no
 * peerings yet, a Network Watcher and a flow-log storage account in germanywestcentral, and an
 * existing Virtual WAN whose germanywestcentral hub connects dev's spoke VNet (so dev reaches the
 * hub through Virtual WAN only; its own peering to vnet-hub is still Initiated).
 * Every NIC's VM is served by the Compute routes: the Network Watcher agent is installed on
 * vm-collector-01, vm-jumpbox-01 (Windows), vm-web-01 and vm-web-02 only; vm-db-01 is Windows;
 * vm-dev-02 is deallocated.
 */
export function demoTopology(): Topology {
  return {
    tenants: [
      { tenantId: demoTenantId, displayName: 'Contoso', defaultDomain: 'contoso.onmicrosoft.com' },
      { tenantId: partnerTenantId, displayName: 'Fabrikam Partners', defaultDomain: 'fabrikampartners.onmicrosoft.com' },
    ],
    subscriptions: [
      {
        subscriptionId: hubSubscriptionId,
        displayName: 'Contoso Security Hub',
        tenantId: demoTenantId,
        tags: { environment: 'shared', owner: 'secops' },
        resourceGroups: [
          {
            name: 'rg-hub-logs',
            location: 'germanywestcentral',
            storageAccounts: [{ name: 'sthubflowlogsgwc01', sku: 'Standard_LRS' }, { name: 'sthubflowlogsuks01', location: 'uksouth', sku: 'Standard_LRS' }],
          },
          {
            name: 'rg-hub-network',
            location: 'germanywestcentral',
            networkSecurityGroups: [
              {
                name: 'nsg-collectors',
                rules: [
                  { name: 'allow-vxlan-from-vnets', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Udp', source: 'VirtualNetwork', destinationPort: '4789', description: 'Mirrored traffic from virtual network TAP' },
                  { name: 'allow-ssh-from-shared', priority: 110, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '10.0.2.0/24', destinationPort: '22' },
                  { name: 'deny-internet-in', priority: 4000, direction: 'Inbound', access: 'Deny', protocol: '*', source: 'Internet' },
                ],
              },
              { name: 'nsg-shared', rules: [{ name: 'allow-https-in', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'VirtualNetwork', destinationPort: '443' }] },
            ],
            virtualNetworks: [
              {
                name: 'vnet-hub',
                addressPrefixes: ['10.0.0.0/16'],
                subnets: [
                  { name: 'AzureFirewallSubnet', addressPrefix: '10.0.0.0/26' },
                  { name: 'snet-collectors', addressPrefix: '10.0.1.0/24', networkSecurityGroupId: hub('rg-hub-network').nsg('nsg-collectors') },
                  { name: 'snet-shared', addressPrefix: '10.0.2.0/24', networkSecurityGroupId: hub('rg-hub-network').nsg('nsg-shared') },
                ],
                peerings: [{ name: 'hub-to-prod', remoteVirtualNetworkId: prodVnetId, allowForwardedTraffic: true, allowGatewayTransit: false }],
              },
            ],
            loadBalancers: [
              {
                name: 'ilb-collectors',
                sku: 'Standard',
                frontends: [{ name: 'fe-collectors', privateIpAddress: '10.0.1.10', subnetId: hub('rg-hub-network').subnet('vnet-hub', 'snet-collectors') }],
                backendPools: [{ name: 'be-collectors', ipConfigurationIds: [armIds.ipConfiguration(collectorNicId)] }],
              },
            ],
            networkInterfaces: [
              { name: 'nic-collector-01', subnetId: hub('rg-hub-network').subnet('vnet-hub', 'snet-collectors'), privateIpAddress: '10.0.1.4', macAddress: '00-0D-3A-4C-21-7E', virtualMachineId: hub('rg-hub-network').vm('vm-collector-01'), virtualMachine: { vmSize: 'Standard_D4s_v5', networkWatcherAgent: true }, acceleratedNetworking: true },
              { name: 'nic-jumpbox-01', subnetId: hub('rg-hub-network').subnet('vnet-hub', 'snet-shared'), privateIpAddress: '10.0.2.4', macAddress: '00-0D-3A-4C-22-19', virtualMachineId: hub('rg-hub-network').vm('vm-jumpbox-01'), virtualMachine: { osType: 'Windows', networkWatcherAgent: true } },
            ],
            virtualNetworkTaps: [{ name: 'vtap-collectors', destinationIpConfigurationId: armIds.ipConfiguration(collectorNicId) }],
          },
          {
            name: 'NetworkWatcherRG',
            location: 'germanywestcentral',
            networkWatchers: [{ name: 'NetworkWatcher_germanywestcentral', location: 'germanywestcentral' }, { name: 'NetworkWatcher_uksouth', location: 'uksouth' }],
          },
        ],
      },
      {
        subscriptionId: prodSubscriptionId,
        displayName: 'Contoso Workload Prod',
        tenantId: demoTenantId,
        tags: { environment: 'prod' },
        resourceGroups: [
          {
            name: 'rg-prod-network',
            location: 'germanywestcentral',
            networkSecurityGroups: [
              {
                name: 'nsg-prod-web',
                rules: [
                  { name: 'allow-https-internet', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'Internet', destinationPort: '443' },
                  { name: 'allow-http-internet', priority: 110, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: 'Internet', destinationPort: '80' },
                  { name: 'deny-rdp', priority: 200, direction: 'Inbound', access: 'Deny', protocol: 'Tcp', destinationPort: '3389' },
                ],
              },
              {
                name: 'nsg-prod-app',
                rules: [
                  { name: 'allow-web-to-app', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '10.1.1.0/24', destinationPort: '8080' },
                  { name: 'deny-outbound-internet', priority: 4000, direction: 'Outbound', access: 'Deny', protocol: '*', destination: 'Internet' },
                ],
              },
            ],
            virtualNetworks: [
              {
                name: 'vnet-prod-spoke',
                addressPrefixes: ['10.1.0.0/16'],
                subnets: [
                  { name: 'snet-web', addressPrefix: '10.1.1.0/24', networkSecurityGroupId: prod('rg-prod-network').nsg('nsg-prod-web') },
                  { name: 'snet-app', addressPrefix: '10.1.2.0/24', networkSecurityGroupId: prod('rg-prod-network').nsg('nsg-prod-app') },
                  { name: 'snet-data', addressPrefix: '10.1.3.0/24' },
                ],
                peerings: [{ name: 'prod-to-hub', remoteVirtualNetworkId: hubVnetId, allowForwardedTraffic: true }],
              },
            ],
          },
          {
            name: 'rg-prod-app',
            location: 'germanywestcentral',
            networkInterfaces: [
              { name: 'nic-web-01', subnetId: prod('rg-prod-network').subnet('vnet-prod-spoke', 'snet-web'), privateIpAddress: '10.1.1.4', macAddress: '00-0D-3A-7A-10-01', virtualMachineId: prod('rg-prod-app').vm('vm-web-01'), virtualMachine: { networkWatcherAgent: true }, acceleratedNetworking: true, tapConfigurations: [{ name: 'tapcfg-web-01', virtualNetworkTapId: collectorTapId }] },
              { name: 'nic-web-02', subnetId: prod('rg-prod-network').subnet('vnet-prod-spoke', 'snet-web'), privateIpAddress: '10.1.1.5', macAddress: '00-0D-3A-7A-10-02', virtualMachineId: prod('rg-prod-app').vm('vm-web-02'), virtualMachine: { networkWatcherAgent: true }, acceleratedNetworking: true },
              { name: 'nic-app-01', subnetId: prod('rg-prod-network').subnet('vnet-prod-spoke', 'snet-app'), privateIpAddress: '10.1.2.4', macAddress: '00-0D-3A-7A-20-01', virtualMachineId: prod('rg-prod-app').vm('vm-app-01') },
              { name: 'nic-app-02', subnetId: prod('rg-prod-network').subnet('vnet-prod-spoke', 'snet-app'), privateIpAddress: '10.1.2.5', macAddress: '00-0D-3A-7A-20-02', virtualMachineId: prod('rg-prod-app').vm('vm-app-02'), virtualMachine: { vmAgent: 'notReady' } },
              { name: 'nic-db-01', subnetId: prod('rg-prod-network').subnet('vnet-prod-spoke', 'snet-data'), privateIpAddress: '10.1.3.4', macAddress: '00-0D-3A-7A-30-01', virtualMachineId: prod('rg-prod-app').vm('vm-db-01'), virtualMachine: { osType: 'Windows', vmSize: 'Standard_E4s_v5' }, acceleratedNetworking: true },
              // Two VMs of an availability set from before accelerated networking, and a small B-series VM without it.
              { name: 'nic-legacy-01', subnetId: prod('rg-prod-network').subnet('vnet-prod-spoke', 'snet-app'), privateIpAddress: '10.1.2.6', macAddress: '00-0D-3A-7A-20-06', virtualMachineId: prod('rg-prod-app').vm('vm-legacy-01'), virtualMachine: { vmSize: 'Standard_D2as_v5', availabilitySetId: legacyAvailabilitySetId } },
              { name: 'nic-legacy-02', subnetId: prod('rg-prod-network').subnet('vnet-prod-spoke', 'snet-app'), privateIpAddress: '10.1.2.7', macAddress: '00-0D-3A-7A-20-07', virtualMachineId: prod('rg-prod-app').vm('vm-legacy-02'), virtualMachine: { vmSize: 'Standard_D2as_v5', availabilitySetId: legacyAvailabilitySetId } },
              { name: 'nic-jump-01', subnetId: prod('rg-prod-network').subnet('vnet-prod-spoke', 'snet-app'), privateIpAddress: '10.1.2.8', macAddress: '00-0D-3A-7A-20-08', virtualMachineId: prod('rg-prod-app').vm('vm-jump-01'), virtualMachine: { vmSize: 'Standard_B1s' } },
            ],
            availabilitySets: [{ name: 'avset-app-legacy' }],
          },
          {
            name: 'NetworkWatcherRG',
            location: 'germanywestcentral',
            networkWatchers: [
              {
                name: 'NetworkWatcher_germanywestcentral',
                location: 'germanywestcentral',
                flowLogs: [
                  { name: 'fl-vnet-prod-spoke', targetResourceId: prodVnetId, storageId: hubFlowLogStorageId, formatVersion: 2, retentionDays: 30 },
                  { name: 'fl-nsg-prod-web', targetResourceId: prod('rg-prod-network').nsg('nsg-prod-web'), storageId: hubFlowLogStorageId, formatVersion: 2, retentionDays: 7 },
                ],
              },
            ],
          },
        ],
      },
      {
        subscriptionId: devSubscriptionId,
        displayName: 'Contoso Workload Dev',
        tenantId: demoTenantId,
        tags: { environment: 'dev' },
        unregisteredProviders: ['Microsoft.Insights'],
        resourceGroups: [
          {
            name: 'rg-dev-network',
            location: 'uksouth',
            networkSecurityGroups: [{ name: 'nsg-dev-app', rules: [{ name: 'allow-ssh-from-hub', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '10.0.2.0/24', destinationPort: '22' }] }],
            virtualNetworks: [
              {
                name: 'vnet-dev-spoke',
                addressPrefixes: ['10.2.0.0/16'],
                subnets: [{ name: 'snet-app', addressPrefix: '10.2.1.0/24', networkSecurityGroupId: dev('rg-dev-network').nsg('nsg-dev-app') }],
                peerings: [{ name: 'dev-to-hub', remoteVirtualNetworkId: hubVnetId }],
              },
              { name: 'vnet-dev-sandbox', addressPrefixes: ['10.1.0.0/16'], subnets: [{ name: 'snet-sandbox', addressPrefix: '10.1.0.0/24' }] },
            ],
            networkInterfaces: [
              { name: 'nic-dev-01', subnetId: dev('rg-dev-network').subnet('vnet-dev-spoke', 'snet-app'), privateIpAddress: '10.2.1.4', macAddress: '00-0D-3A-9E-01-01', virtualMachineId: dev('rg-dev-network').vm('vm-dev-01') },
              { name: 'nic-dev-02', subnetId: dev('rg-dev-network').subnet('vnet-dev-spoke', 'snet-app'), privateIpAddress: '10.2.1.5', macAddress: '00-0D-3A-9E-01-02', virtualMachineId: dev('rg-dev-network').vm('vm-dev-02'), virtualMachine: { powerState: 'deallocated' } },
            ],
          },
          { name: 'NetworkWatcherRG', location: 'uksouth', networkWatchers: [{ name: 'NetworkWatcher_uksouth', location: 'uksouth' }] },
          {
            name: 'rg-dev-monitoring',
            location: 'uksouth',
            // A Log Analytics workspace for Traffic Analytics, shaped as WorkspacesSubscriptionList.json.
            resources: [
              {
                id: `/subscriptions/${devSubscriptionId}/resourceGroups/rg-dev-monitoring/providers/Microsoft.OperationalInsights/workspaces/law-dev-uks`,
                name: 'law-dev-uks',
                type: 'Microsoft.OperationalInsights/workspaces',
                location: 'uksouth',
                tags: {},
                properties: { customerId: '6f1d2c3b-4a59-4e8d-9c7b-2a1e0f3d5c48', provisioningState: 'Succeeded', sku: { name: 'PerGB2018' }, retentionInDays: 30, publicNetworkAccessForQuery: 'Enabled', publicNetworkAccessForIngestion: 'Enabled' },
              },
            ],
          },
        ],
      },
      {
        subscriptionId: secopsSubscriptionId,
        displayName: 'Contoso Security Operations',
        tenantId: demoTenantId,
        tags: { environment: 'security', owner: 'secops' },
        resourceGroups: [
          {
            name: 'rg-secops-network',
            location: 'germanywestcentral',
            storageAccounts: [{ name: 'stsecopsflowlogs01', sku: 'Standard_LRS' }],
            networkSecurityGroups: [
              {
                name: 'nsg-secops-sensors',
                rules: [
                  { name: 'allow-vxlan-from-vnets', priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Udp', source: 'VirtualNetwork', destinationPort: '4789', description: 'Mirrored traffic from virtual network TAP' },
                  { name: 'allow-ssh-from-mgmt', priority: 110, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', source: '10.40.2.0/24', destinationPort: '22' },
                  { name: 'deny-internet-in', priority: 4000, direction: 'Inbound', access: 'Deny', protocol: '*', source: 'Internet' },
                ],
              },
            ],
            virtualNetworks: [
              {
                name: 'vnet-secops-hub',
                addressPrefixes: ['10.40.0.0/16'],
                subnets: [
                  { name: 'snet-sensors', addressPrefix: '10.40.1.0/24', networkSecurityGroupId: secopsSensorsNsgId },
                  { name: 'snet-mgmt', addressPrefix: '10.40.2.0/24' },
                ],
              },
            ],
          },
          {
            name: 'rg-secops-wan',
            location: 'germanywestcentral',
            virtualWans: [
              {
                name: 'vwan-contoso',
                hubs: [{ name: 'vhub-germanywestcentral', addressPrefix: '10.90.0.0/23', connections: [{ name: 'conn-vnet-dev-spoke', remoteVirtualNetworkId: devVnetId }] }],
              },
            ],
          },
          { name: 'NetworkWatcherRG', location: 'germanywestcentral', networkWatchers: [{ name: 'NetworkWatcher_germanywestcentral', location: 'germanywestcentral' }] },
        ],
      },
    ],
  };
}
