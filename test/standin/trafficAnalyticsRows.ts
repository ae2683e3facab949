/**
 * Traffic Analytics rows made from the flow-log blobs the stand-in seeds, aggregated as Traffic
 * Analytics does (https://learn.microsoft.com/azure/network-watcher/traffic-analytics-schema,
 * "Data aggregation"): per processing interval (60 minutes here, one blob hour), flows with the
 * same source, destination, destination port, rule, direction and protocol become one row (the
 * source port is dropped), decorated with the subnet, NIC and VM each private address belongs to.
 * VNet flow logs fill `NTANetAnalytics`, NSG flow logs `AzureNetworkAnalytics_CL`, with the
 * columns of https://learn.microsoft.com/azure/azure-monitor/reference/tables/ntanetanalytics
 * and the schema page's `_s`/`_d`/`_t` columns.
 */
import ipaddr from 'ipaddr.js';
import { decodeFlowLogBytes } from '../../src/flowlogs/flowLogDecoder';
import type { FlowRow } from '../../src/flowlogs/flowTable';
import { generateRecords, type PlannedBlob } from './blobSeed';
import type { KqlColumn, KqlTable, KqlType, KqlValue } from './kql';
import type { Topology } from './topology';

const column = (name: string, type: KqlType): KqlColumn => ({ name, type });

export const ntaNetAnalyticsColumns: KqlColumn[] = [
  column('TenantId', 'string'), column('TimeGenerated', 'datetime'), column('SubType', 'string'), column('FaSchemaVersion', 'string'),
  column('TimeProcessed', 'datetime'), column('FlowIntervalStartTime', 'datetime'), column('FlowIntervalEndTime', 'datetime'),
  column('FlowStartTime', 'datetime'), column('FlowEndTime', 'datetime'), column('FlowType', 'string'),
  column('SrcIp', 'string'), column('DestIp', 'string'), column('DestPort', 'int'), column('L4Protocol', 'string'), column('L7Protocol', 'string'),
  column('FlowDirection', 'string'), column('FlowStatus', 'string'), column('AclGroup', 'string'), column('AclRule', 'string'),
  column('MacAddress', 'string'), column('TargetResourceId', 'string'), column('TargetResourceType', 'string'), column('FlowLogResourceId', 'string'),
  column('SrcSubscription', 'string'), column('DestSubscription', 'string'), column('SrcRegion', 'string'), column('DestRegion', 'string'),
  column('SrcSubnet', 'string'), column('DestSubnet', 'string'), column('SrcNic', 'string'), column('DestNic', 'string'), column('SrcVm', 'string'), column('DestVm', 'string'),
  column('SrcPublicIps', 'string'), column('DestPublicIps', 'string'),
  column('AllowedInFlows', 'long'), column('DeniedInFlows', 'long'), column('AllowedOutFlows', 'long'), column('DeniedOutFlows', 'long'), column('CompletedFlows', 'long'),
  column('PacketsSrcToDest', 'long'), column('PacketsDestToSrc', 'long'), column('BytesSrcToDest', 'long'), column('BytesDestToSrc', 'long'),
  column('Type', 'string'),
];

export const azureNetworkAnalyticsColumns: KqlColumn[] = [
  column('TenantId', 'string'), column('TimeGenerated', 'datetime'), column('SubType_s', 'string'), column('FASchemaVersion_s', 'string'),
  column('TimeProcessed_t', 'datetime'), column('FlowIntervalStartTime_t', 'datetime'), column('FlowIntervalEndTime_t', 'datetime'),
  column('FlowStartTime_t', 'datetime'), column('FlowEndTime_t', 'datetime'), column('FlowType_s', 'string'),
  column('SrcIP_s', 'string'), column('DestIP_s', 'string'), column('DestPort_d', 'real'), column('L4Protocol_s', 'string'), column('L7Protocol_s', 'string'),
  column('FlowDirection_s', 'string'), column('FlowStatus_s', 'string'), column('NSGList_s', 'string'), column('NSGRule_s', 'string'),
  column('MACAddress_s', 'string'), column('Subscription1_g', 'string'), column('Subscription2_g', 'string'), column('Region1_s', 'string'), column('Region2_s', 'string'),
  column('Subnet1_s', 'string'), column('Subnet2_s', 'string'), column('NIC1_s', 'string'), column('NIC2_s', 'string'), column('VM1_s', 'string'), column('VM2_s', 'string'),
  column('SrcPublicIPs_s', 'string'), column('DestPublicIPs_s', 'string'),
  column('AllowedInFlows_d', 'real'), column('DeniedInFlows_d', 'real'), column('AllowedOutFlows_d', 'real'), column('DeniedOutFlows_d', 'real'), column('CompletedFlows_d', 'real'),
  column('OutboundPackets_d', 'real'), column('InboundPackets_d', 'real'), column('OutboundBytes_d', 'real'), column('InboundBytes_d', 'real'),
  column('Type', 'string'),
];

/** Where a private address lives in the topology: `rg/vnet/subnet`, `rg/nic`, `rg/vm`. */
interface Place {
  subscriptionId: string;
  region: string;
  vnetId: string;
  subnet: string;
  nic?: string;
  vm?: string;
}

/** Indexes NIC addresses and VNet address spaces of the topology. */
export class EstatePlaces {
  private readonly byAddress = new Map<string, Place>();
  private readonly spaces: { prefix: [ipaddr.IPv4, number]; place: Place }[] = [];

  constructor(topology: Topology) {
    for (const subscription of topology.subscriptions) {
      for (const group of subscription.resourceGroups) {
        for (const vnet of group.virtualNetworks ?? []) {
          const vnetId = `/subscriptions/${subscription.subscriptionId}/resourcegroups/${group.name}/providers/microsoft.network/virtualnetworks/${vnet.name}`.toLowerCase();
          for (const subnet of vnet.subnets) {
            const place = { subscriptionId: subscription.subscriptionId, region: vnet.location ?? group.location, vnetId, subnet: `${group.name}/${vnet.name}/${subnet.name}` };
            try {
              this.spaces.push({ prefix: ipaddr.IPv4.parseCIDR(subnet.addressPrefix), place });
            } catch {
              // IPv6 subnets are not placed.
            }
          }
        }
        for (const nic of group.networkInterfaces ?? []) {
          const parts = nic.subnetId.split('/');
          const nicGroup = parts[4] ?? group.name;
          const vnetId = parts.slice(0, 9).join('/').toLowerCase();
          const vmName = nic.virtualMachineId?.split('/').pop();
          this.byAddress.set(nic.privateIpAddress, {
            subscriptionId: subscription.subscriptionId,
            region: group.location,
            vnetId,
            subnet: `${nicGroup}/${parts[8] ?? ''}/${parts[10] ?? ''}`,
            nic: `${group.name}/${nic.name}`,
            ...(vmName ? { vm: `${group.name}/${vmName}` } : {}),
          });
        }
      }
    }
  }

  placeOf(address: string): Place | undefined {
    const known = this.byAddress.get(address);
    if (known) {
      return known;
    }
    try {
      const ip = ipaddr.IPv4.parse(address);
      return this.spaces.find((space) => ip.match(space.prefix))?.place;
    } catch {
      return undefined;
    }
  }
}

function isPublic(address: string): boolean {
  try {
    return ipaddr.parse(address).range() === 'unicast';
  } catch {
    return false;
  }
}

/** Application names Traffic Analytics derives from the destination port (`L7Protocol`). */
const applications: Record<number, string> = { 22: 'ssh', 53: 'dns', 80: 'http', 443: 'https', 1433: 'mssql', 3389: 'rdp', 4789: 'vxlan', 5432: 'postgresql' };

interface Group {
  first: FlowRow;
  flowStart: number;
  flowEnd: number;
  allowedIn: number;
  deniedIn: number;
  allowedOut: number;
  deniedOut: number;
  completed: number;
  packetsOut: number;
  packetsIn: number;
  bytesOut: number;
  bytesIn: number;
}

export interface TrafficAnalyticsTables {
  NTANetAnalytics: KqlTable;
  AzureNetworkAnalytics_CL: KqlTable;
}

/**
 * The Traffic Analytics rows of `blobs` for a workspace (`tenantId` is its customerId), processed
 * `processingDelayMs` after each interval ends (TimeGenerated; Traffic Analytics takes up to an
 * hour).
 */
export function trafficAnalyticsRows(blobs: readonly PlannedBlob[], topology: Topology, tenantId: string, processingDelayMs = 10 * 60_000): TrafficAnalyticsTables {
  const places = new EstatePlaces(topology);
  const nta: KqlValue[][] = [];
  const nsg: KqlValue[][] = [];
  for (const blob of blobs) {
    const text = `{"records":[${generateRecords(blob.rewrite).records.join(',')}]}`;
    const { table } = decodeFlowLogBytes(Buffer.from(text));
    const groups = new Map<string, Group>();
    for (let index = 0; index < table.length; index++) {
      const row = table.rowAt(index);
      const key = [row.srcIp, row.dstIp, row.dstPort, row.context.rule, row.direction, row.protocol].join('|');
      let group = groups.get(key);
      if (!group) {
        group = { first: row, flowStart: row.time, flowEnd: row.time, allowedIn: 0, deniedIn: 0, allowedOut: 0, deniedOut: 0, completed: 0, packetsOut: 0, packetsIn: 0, bytesOut: 0, bytesIn: 0 };
        groups.set(key, group);
      }
      group.flowStart = Math.min(group.flowStart, row.time);
      group.flowEnd = Math.max(group.flowEnd, row.time);
      // A flow is counted when it begins (or is denied); continuing and end tuples add counters.
      if (row.state === undefined || row.state === 'begin' || row.state === 'deny') {
        const inbound = row.direction === 'inbound';
        const denied = row.decision === 'deny';
        if (inbound) {
          group[denied ? 'deniedIn' : 'allowedIn'] += 1;
        } else {
          group[denied ? 'deniedOut' : 'allowedOut'] += 1;
        }
      }
      if (row.state === 'end') {
        group.completed += 1;
      }
      group.packetsOut += row.packetsSrcToDst ?? 0;
      group.packetsIn += row.packetsDstToSrc ?? 0;
      group.bytesOut += row.bytesSrcToDst ?? 0;
      group.bytesIn += row.bytesDstToSrc ?? 0;
    }
    const intervalStart = blob.hourStart;
    const intervalEnd = blob.hourStart + 3_600_000;
    const processed = intervalEnd + processingDelayMs;
    for (const group of groups.values()) {
      const row = group.first;
      const source = places.placeOf(row.srcIp);
      const destination = places.placeOf(row.dstIp);
      const publicSource = isPublic(row.srcIp);
      const publicDestination = isPublic(row.dstIp);
      const flowType = publicSource || publicDestination
        ? 'ExternalPublic'
        : source && destination ? (source.vnetId === destination.vnetId ? 'IntraVNet' : 'InterVNet') : 'UnknownPrivate';
      const flows = group.allowedIn + group.deniedIn + group.allowedOut + group.deniedOut;
      // Public endpoints are not in SrcIp/DestIp but in Src/DestPublicIps, "ip|started|ended|out packets|in packets|out bytes|in bytes".
      const publicEntry = `|${flows}|${group.completed}|${group.packetsOut}|${group.packetsIn}|${group.bytesOut}|${group.bytesIn}`;
      const protocol = row.protocol === 17 ? 'U' : 'T';
      const denied = row.decision === 'deny';
      const inbound = row.direction === 'inbound';
      const l7 = applications[row.dstPort] ?? 'unknown';
      if (blob.kind === 'vnet') {
        nta.push([
          tenantId, processed, 'FlowLog', '3', processed, intervalStart, intervalEnd, group.flowStart, group.flowEnd, flowType,
          publicSource ? '' : row.srcIp, publicDestination ? '' : row.dstIp, row.dstPort, protocol, l7,
          inbound ? 'Inbound' : 'Outbound', denied ? 'Denied' : 'Allowed', row.context.aclId ?? '', row.context.rule,
          blob.mac, blob.rewrite.targetResourceId ?? '', 'VirtualNetwork', blob.flowLogId,
          source?.subscriptionId ?? '', destination?.subscriptionId ?? '', source?.region ?? '', destination?.region ?? '',
          source?.subnet ?? '', destination?.subnet ?? '', source?.nic ?? '', destination?.nic ?? '', source?.vm ?? '', destination?.vm ?? '',
          publicSource ? `${row.srcIp}${publicEntry}` : '', publicDestination ? `${row.dstIp}${publicEntry}` : '',
          group.allowedIn, group.deniedIn, group.allowedOut, group.deniedOut, group.completed,
          group.packetsOut, group.packetsIn, group.bytesOut, group.bytesIn, 'NTANetAnalytics',
        ]);
      } else {
        const nsgParts = (blob.rewrite.targetResourceId ?? '').split('/');
        nsg.push([
          tenantId, processed, 'FlowLog', '2', processed, intervalStart, intervalEnd, group.flowStart, group.flowEnd, flowType,
          publicSource ? '' : row.srcIp, publicDestination ? '' : row.dstIp, row.dstPort, protocol, l7,
          inbound ? 'I' : 'O', denied ? 'D' : 'A', `${nsgParts[2] ?? ''}/${nsgParts[4] ?? ''}/${nsgParts[8] ?? ''}`, row.context.rule,
          blob.mac, source?.subscriptionId ?? '', destination?.subscriptionId ?? '', source?.region ?? '', destination?.region ?? '',
          source?.subnet ?? '', destination?.subnet ?? '', source?.nic ?? '', destination?.nic ?? '', source?.vm ?? '', destination?.vm ?? '',
          publicSource ? `${row.srcIp}${publicEntry}` : '', publicDestination ? `${row.dstIp}${publicEntry}` : '',
          group.allowedIn, group.deniedIn, group.allowedOut, group.deniedOut, group.completed,
          group.packetsOut, group.packetsIn, group.bytesOut, group.bytesIn, 'AzureNetworkAnalytics_CL',
        ]);
      }
    }
  }
  return { NTANetAnalytics: { columns: ntaNetAnalyticsColumns, rows: nta }, AzureNetworkAnalytics_CL: { columns: azureNetworkAnalyticsColumns, rows: nsg } };
}
