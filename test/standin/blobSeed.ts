/**
 * Seeds Azurite with flow-log blobs the way Azure writes them: one block blob per hour per MAC
 * under the real container and path layout, grown block by block. The first block is the
 * 12-byte `{"records":[`, the last the 2-byte `]}`, and each appended record is one block (with a
 * leading comma except the first) staged and recommitted before the tail, as
 * docs/flow-log-formats.md §1 quotes from the read-flow-logs doc.
 *
 * Records come from the flow-log generator (test/fixtures/flowLogGenerator.ts), rewritten to the
 * topology's ids, MAC and private IP so what a viewer shows matches the tree.
 */
import type { BlobServiceClient, BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import { generateFlowLogChunks, type GeneratedFormat } from '../fixtures/flowLogGenerator';
import type { FlowLogSpec, Topology } from './topology';

export const nsgContainer = 'insights-logs-networksecuritygroupflowevent';
export const vnetContainer = 'insights-logs-flowlogflowevent';

const headBlockId = blockId('h', 0);
const tailBlockId = blockId('t', 0);

/** Block ids of one blob must all have the same length. */
function blockId(kind: string, index: number): string {
  return Buffer.from(`${kind}${String(index).padStart(7, '0')}`).toString('base64');
}

/** A flow-log blob being written during its hour: `start()`, then `append(record)` per minute. */
export class AppendingFlowLogBlob {
  private readonly recordIds: string[] = [];

  constructor(private readonly blob: BlockBlobClient) {}

  /** Commits the 12-byte head and 2-byte tail: an empty `{"records":[]}`. */
  async start(): Promise<void> {
    await this.blob.stageBlock(headBlockId, '{"records":[', 12);
    await this.blob.stageBlock(tailBlockId, ']}', 2);
    await this.commit();
  }

  /** Appends one record (JSON text without a leading comma) as one block, before the tail. */
  async append(record: string): Promise<void> {
    const body = Buffer.from(this.recordIds.length === 0 ? record : `,${record}`);
    const id = blockId('r', this.recordIds.length);
    await this.blob.stageBlock(id, body, body.length);
    this.recordIds.push(id);
    await this.commit();
  }

  private async commit(): Promise<void> {
    await this.blob.commitBlockList([headBlockId, ...this.recordIds, tailBlockId], { blobHTTPHeaders: { blobContentType: 'application/json' } });
  }
}

export interface RecordRewrite {
  format: GeneratedFormat;
  /** 12 hex digits. */
  mac: string;
  /** The NIC's private IP, replacing the generator's NIC address. */
  privateIp: string;
  /** NSG: upper-cased NSG id. VNet: upper-cased flow-log id. */
  resourceId: string;
  /** VNet: the flow log's target (mixed case). */
  targetResourceId?: string;
  /** Epoch ms of the hour. */
  hourStart: number;
  records: number;
  flowsPerRecord?: number;
  seed: number;
}

/** Generated records for one blob, rewritten to the given ids, MAC and address. Returns record texts and the tuple count. */
export function generateRecords(options: RecordRewrite): { records: string[]; tuples: number } {
  const records: string[] = [];
  let tuples = 0;
  const chunks = generateFlowLogChunks({ format: options.format, records: options.records, macs: 1, seed: options.seed, startTime: options.hourStart, flowsPerRecord: options.flowsPerRecord ?? 12, wrapper: false });
  for (let step = chunks.next(); !step.done; step = chunks.next()) {
    const record = JSON.parse(step.value.replace(/^,/, '')) as Record<string, unknown>;
    const generatedIp = '10.0.0.4';
    const rewriteTuples = (list: string[]): string[] => list.map((tuple) => {
      const fields = tuple.split(',');
      fields[1] = fields[1] === generatedIp ? options.privateIp : fields[1];
      fields[2] = fields[2] === generatedIp ? options.privateIp : fields[2];
      tuples++;
      return fields.join(',');
    });
    record.macAddress = options.mac;
    if (options.format === 'vnet') {
      record.flowLogResourceID = options.resourceId;
      record.targetResourceID = options.targetResourceId;
      const flows = (record.flowRecords as { flows: { flowGroups: { flowTuples: string[] }[] }[] }).flows;
      for (const acl of flows) {
        for (const group of acl.flowGroups) {
          group.flowTuples = rewriteTuples(group.flowTuples);
        }
      }
    } else {
      record.resourceId = options.resourceId;
      const rules = (record.properties as { flows: { flows: { mac: string; flowTuples: string[] }[] }[] }).flows;
      for (const rule of rules) {
        for (const perMac of rule.flows) {
          perMac.mac = options.mac;
          perMac.flowTuples = rewriteTuples(perMac.flowTuples);
        }
      }
    }
    records.push(JSON.stringify(record));
  }
  return { records, tuples };
}

export interface SeededBlob {
  container: string;
  name: string;
  kind: 'nsg' | 'vnet';
  mac: string;
  hourStart: number;
  records: number;
  tuples: number;
  /** Bytes of the committed blob. */
  bytes: number;
}

/** Writes one flow-log blob block by block (head, one block per record, tail). */
export async function writeFlowLogBlob(container: ContainerClient, name: string, records: readonly string[]): Promise<number> {
  const blob = new AppendingFlowLogBlob(container.getBlockBlobClient(name));
  await blob.start();
  for (const record of records) {
    await blob.append(record);
  }
  return 14 + records.reduce((sum, record, index) => sum + Buffer.byteLength(record) + (index === 0 ? 0 : 1), 0);
}

export interface DemoSeedOptions {
  /** The storage account (ARM id) whose flow logs to seed; flow logs pointing elsewhere are skipped. */
  storageAccountId: string;
  /** Hours per MAC (default 3), ending with the hour that starts at `lastHour`. */
  hours?: number;
  /** Epoch ms of the newest hour (default: the current hour). */
  lastHour?: number;
  /** Records per blob (default 5; Azure writes about one per minute). */
  recordsPerBlob?: number;
  flowsPerRecord?: number;
  /** VNet paths in the portal doc's `{NAME}-{RG}-FLOWLOGS` spelling instead of the read doc's. */
  vnetLayout?: 'watcher' | 'portal';
  /** Seed only this kind of flow log. */
  only?: 'nsg' | 'vnet';
}

interface NicInfo {
  subnetId: string;
  mac: string;
  ip: string;
  nsgId?: string;
}

/** One flow-log blob a seeding writes: where it goes and the generator options of its records. */
export interface PlannedBlob {
  container: string;
  name: string;
  kind: 'nsg' | 'vnet';
  mac: string;
  hourStart: number;
  /** The flow log's ARM id, as the topology spells it. */
  flowLogId: string;
  rewrite: RecordRewrite;
}

/**
 * The blobs `seedTopologyFlowLogs` writes for one storage account, without writing them: VNet flow
 * logs under `insights-logs-flowlogflowevent` for each NIC in the target VNet, subnet or NIC, and
 * NSG flow logs under `insights-logs-networksecuritygroupflowevent` for each NIC behind the NSG.
 * The same options give the same blobs (the Log Analytics stand-in derives its Traffic Analytics
 * rows from them).
 */
export function planTopologyFlowLogBlobs(topology: Topology, options: DemoSeedOptions): PlannedBlob[] {
  return planSeeding(topology, options).blobs;
}

/** The planned blobs, and every container a seeded flow log writes to (created even when no NIC is covered). */
function planSeeding(topology: Topology, options: DemoSeedOptions): { blobs: PlannedBlob[]; containers: Set<string> } {
  const hours = options.hours ?? 3;
  const lastHour = options.lastHour ?? Math.floor(Date.now() / 3600000) * 3600000;
  const recordsPerBlob = options.recordsPerBlob ?? 5;
  const nics: NicInfo[] = [];
  const subnetNsg = new Map<string, string>();
  const watchers: { subscriptionId: string; group: string; watcher: string; region: string; flowLog: FlowLogSpec }[] = [];
  for (const subscription of topology.subscriptions) {
    for (const group of subscription.resourceGroups) {
      for (const vnet of group.virtualNetworks ?? []) {
        for (const subnet of vnet.subnets) {
          if (subnet.networkSecurityGroupId) {
            subnetNsg.set(`/subscriptions/${subscription.subscriptionId}/resourcegroups/${group.name}/providers/microsoft.network/virtualnetworks/${vnet.name}/subnets/${subnet.name}`.toLowerCase(), subnet.networkSecurityGroupId.toLowerCase());
          }
        }
      }
      for (const nic of group.networkInterfaces ?? []) {
        nics.push({ subnetId: nic.subnetId.toLowerCase(), mac: nic.macAddress.replace(/-/g, '').toUpperCase(), ip: nic.privateIpAddress, ...(nic.networkSecurityGroupId ? { nsgId: nic.networkSecurityGroupId.toLowerCase() } : {}) });
      }
      for (const watcher of group.networkWatchers ?? []) {
        for (const flowLog of watcher.flowLogs ?? []) {
          if (flowLog.storageId.toLowerCase() === options.storageAccountId.toLowerCase() && flowLog.enabled !== false) {
            watchers.push({ subscriptionId: subscription.subscriptionId, group: group.name, watcher: watcher.name, region: watcher.location, flowLog });
          }
        }
      }
    }
  }
  const planned: PlannedBlob[] = [];
  const containers = new Set<string>();
  let seed = 1;
  for (const { subscriptionId, group, watcher, region, flowLog } of watchers) {
    const target = flowLog.targetResourceId.toLowerCase();
    const isNsg = target.includes('/networksecuritygroups/');
    if (options.only !== undefined && options.only !== (isNsg ? 'nsg' : 'vnet')) {
      continue;
    }
    const covered = nics.filter((nic) => (isNsg
      ? nic.nsgId === target || subnetNsg.get(nic.subnetId) === target
      : nic.subnetId.startsWith(`${target}/subnets/`) || nic.subnetId === target));
    const flowLogArmId = `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.Network/networkWatchers/${watcher}/flowLogs/${flowLog.name}`;
    const flowLogId = flowLogArmId.toUpperCase();
    const targetName = flowLog.targetResourceId.split('/').pop() ?? '';
    const targetGroup = /\/resourceGroups\/([^/]+)\//i.exec(flowLog.targetResourceId)?.[1] ?? '';
    const targetPrefix = isNsg
      ? `resourceId=${flowLog.targetResourceId.toUpperCase()}/`
      : options.vnetLayout === 'portal'
        ? `flowLogResourceID=/${subscriptionId.toUpperCase()}_${group.toUpperCase()}/NETWORKWATCHER_${region.toUpperCase()}_${targetName.toUpperCase()}-${targetGroup.toUpperCase()}-FLOWLOGS/`
        : `flowLogResourceID=/${subscriptionId.toUpperCase()}_${group.toUpperCase()}/NETWORKWATCHER_${region.toUpperCase()}_${flowLog.name.toUpperCase()}/`;
    const containerName = isNsg ? nsgContainer : vnetContainer;
    containers.add(containerName);
    for (let h = hours - 1; h >= 0; h--) {
      const hourStart = lastHour - h * 3600000;
      const time = new Date(hourStart);
      const pad = (value: number): string => String(value).padStart(2, '0');
      for (const nic of covered) {
        const name = `${targetPrefix}y=${time.getUTCFullYear()}/m=${pad(time.getUTCMonth() + 1)}/d=${pad(time.getUTCDate())}/h=${pad(time.getUTCHours())}/m=00/macAddress=${nic.mac}/PT1H.json`;
        planned.push({
          container: containerName,
          name,
          kind: isNsg ? 'nsg' : 'vnet',
          mac: nic.mac,
          hourStart,
          flowLogId: flowLogArmId,
          rewrite: {
            format: isNsg ? (flowLog.formatVersion === 1 ? 'nsg1' : 'nsg2') : 'vnet',
            mac: nic.mac,
            privateIp: nic.ip,
            resourceId: isNsg ? flowLog.targetResourceId.toUpperCase() : flowLogId,
            targetResourceId: flowLog.targetResourceId,
            hourStart,
            records: recordsPerBlob,
            ...(options.flowsPerRecord === undefined ? {} : { flowsPerRecord: options.flowsPerRecord }),
            seed: seed++,
          },
        });
      }
    }
  }
  return { blobs: planned, containers };
}

/** Seeds every flow log of the topology that writes to `storageAccountId` (see `planTopologyFlowLogBlobs`). */
export async function seedTopologyFlowLogs(service: BlobServiceClient, topology: Topology, options: DemoSeedOptions): Promise<SeededBlob[]> {
  const seeded: SeededBlob[] = [];
  const { blobs, containers } = planSeeding(topology, options);
  for (const name of containers) {
    await service.getContainerClient(name).createIfNotExists();
  }
  for (const blob of blobs) {
    const container = service.getContainerClient(blob.container);
    const generated = generateRecords(blob.rewrite);
    const bytes = await writeFlowLogBlob(container, blob.name, generated.records);
    seeded.push({ container: blob.container, name: blob.name, kind: blob.kind, mac: blob.mac, hourStart: blob.hourStart, records: generated.records.length, tuples: generated.tuples, bytes });
  }
  return seeded;
}
