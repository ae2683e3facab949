/** ARM resource types served by the stand-in, with the casing ARM returns. */
export const types = {
  virtualNetwork: 'Microsoft.Network/virtualNetworks',
  subnet: 'Microsoft.Network/virtualNetworks/subnets',
  peering: 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings',
  networkInterface: 'Microsoft.Network/networkInterfaces',
  tapConfiguration: 'Microsoft.Network/networkInterfaces/tapConfigurations',
  networkSecurityGroup: 'Microsoft.Network/networkSecurityGroups',
  securityRule: 'Microsoft.Network/networkSecurityGroups/securityRules',
  networkWatcher: 'Microsoft.Network/networkWatchers',
  /** The examples and the service return `FlowLogs` in the type; ids use `flowLogs`. */
  flowLog: 'Microsoft.Network/networkWatchers/FlowLogs',
  packetCapture: 'Microsoft.Network/networkWatchers/packetCaptures',
  virtualNetworkTap: 'Microsoft.Network/virtualNetworkTaps',
  loadBalancer: 'Microsoft.Network/loadBalancers',
  virtualWan: 'Microsoft.Network/virtualWans',
  virtualHub: 'Microsoft.Network/virtualHubs',
  hubVirtualNetworkConnection: 'Microsoft.Network/virtualHubs/hubVirtualNetworkConnections',
  storageAccount: 'Microsoft.Storage/storageAccounts',
  virtualMachine: 'Microsoft.Compute/virtualMachines',
  virtualMachineExtension: 'Microsoft.Compute/virtualMachines/extensions',
  availabilitySet: 'Microsoft.Compute/availabilitySets',
  roleAssignment: 'Microsoft.Authorization/roleAssignments',
} as const;
