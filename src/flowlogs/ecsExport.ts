/**
 * Rows as ECS-style NDJSON for SIEMs (field mapping: docs/ecs-mapping.md): one event object from
 * a FlowRow, or many events straight from the table's columns as text or as bytes (a unit test
 * holds the paths byte for byte equal).
 */
import { flagDecision, flagDirection, flagState, flagStateCode, type FlowRow, type FlowState, type FlowTable, type RecordContext } from './flowTable';
import type { NicOwner } from '../core/viewerProtocol';
import { cachedJsonMembers, cachedJsonText, isoTime, jsonText, transportName } from './exportText';
import { IsoTimeCache, ascii, emptyBytes, put, putNumber, type ChunkWriter } from './chunkWriter';

const stateLetters: Record<FlowState, string> = { begin: 'B', continuing: 'C', end: 'E', deny: 'D' };

/** The NICs (and VMs) the signed-in inventory names for a flow's ends and for the MAC that logged it. */
export interface EcsOwners {
  src?: NicOwner;
  dst?: NicOwner;
  logged?: NicOwner;
}

/**
 * ECS `event.code`: the record's `operationName` as logged (`NetworkSecurityGroupFlowEvents`,
 * `FlowLogFlowEvent`; FORMATS.md §2, §4), undefined (the field left out) when the record has none.
 */
export function operationName(context: RecordContext): string | undefined {
  return context.operationName;
}

/** A MAC as ECS writes it (RFC 7042: upper-case octets joined by hyphens): `000d3af87856` → `00-0D-3A-F8-78-56`. */
export function ecsMac(mac: string): string {
  if (!/^[0-9A-Fa-f]{12}$/.test(mac)) {
    return mac;
  }
  const upper = mac.toUpperCase();
  return `${upper.slice(0, 2)}-${upper.slice(2, 4)}-${upper.slice(4, 6)}-${upper.slice(6, 8)}-${upper.slice(8, 10)}-${upper.slice(10, 12)}`;
}

/** ECS `event.type`: `connection`, the verdict, and `start` / `end` for a flow's begin / end tuple. */
function eventTypes(denied: boolean, state: FlowState | undefined): string[] {
  const types = ['connection', denied ? 'denied' : 'allowed'];
  if (state === 'begin') {
    types.push('start');
  } else if (state === 'end') {
    types.push('end');
  }
  return types;
}

/**
 * ECS event of one tuple (field by field in docs/ecs-mapping.md). `owners` adds the NIC/VM
 * names the inventory knows: `source.domain` / `destination.domain`, `host.name` and the NIC
 * names under `azure.flowlog`.
 */
export function rowToEcsObject(row: FlowRow, owners: EcsOwners = {}): Record<string, unknown> {
  const context = row.context;
  const denied = row.decision === 'deny';
  const inbound = row.direction === 'inbound';
  const mac = ecsMac(context.mac);
  const source: Record<string, unknown> = { ip: row.srcIp, port: row.srcPort };
  const destination: Record<string, unknown> = { ip: row.dstIp, port: row.dstPort };
  // The MAC is the logging NIC's: the destination of inbound traffic, the source of outbound.
  (inbound ? destination : source).mac = mac;
  setIfDefined(source, 'domain', owners.src === undefined ? undefined : (owners.src.vm ?? owners.src.nic));
  setIfDefined(destination, 'domain', owners.dst === undefined ? undefined : (owners.dst.vm ?? owners.dst.nic));
  setIfDefined(source, 'packets', row.packetsSrcToDst);
  setIfDefined(source, 'bytes', row.bytesSrcToDst);
  setIfDefined(destination, 'packets', row.packetsDstToSrc);
  setIfDefined(destination, 'bytes', row.bytesDstToSrc);
  const network: Record<string, unknown> = {
    transport: transportName(row.protocol),
    iana_number: String(row.protocol),
    direction: inbound ? 'ingress' : 'egress',
    type: row.srcIp.includes(':') ? 'ipv6' : 'ipv4',
  };
  setIfDefined(network, 'bytes', sumDefined(row.bytesSrcToDst, row.bytesDstToSrc));
  setIfDefined(network, 'packets', sumDefined(row.packetsSrcToDst, row.packetsDstToSrc));
  const event: Record<string, unknown> = {
    kind: 'event',
    category: ['network'],
    type: eventTypes(denied, row.state),
    action: denied ? 'flow_denied' : flowAction(row.state),
    code: operationName(context),
    outcome: 'success',
    provider: context.format === 'nsg' ? 'NetworkSecurityGroupFlowEvent' : 'FlowLogFlowEvent',
    created: context.recordTime,
  };
  const flowlog: Record<string, unknown> = {
    format: context.format,
    version: context.version,
    mac: context.mac,
    record_time: context.recordTime,
    record_index: context.recordIndex,
    tuple_index: row.tupleIndex,
  };
  setIfDefined(flowlog, 'state', row.state === undefined ? undefined : stateLetters[row.state]);
  setIfDefined(flowlog, 'encryption', row.encryption);
  Object.assign(flowlog, contextFlowlog(context));
  setIfDefined(flowlog, 'source_nic', owners.src?.nic);
  setIfDefined(flowlog, 'destination_nic', owners.dst?.nic);
  const document: Record<string, unknown> = {
    '@timestamp': isoTime(row.time),
    ecs: { version: '8.11.0' },
    event,
    source,
    destination,
    network,
    related: { ip: row.srcIp === row.dstIp ? [row.srcIp] : [row.srcIp, row.dstIp] },
    ...contextOuter(context),
    azure: { flowlog },
  };
  if (owners.logged !== undefined) {
    document.host = { name: owners.logged.vm ?? owners.logged.nic };
  }
  return document;
}

/** The members of `azure.flowlog` that come from the record, after the tuple's own. */
function contextFlowlog(context: RecordContext): Record<string, unknown> {
  const flowlog: Record<string, unknown> = {};
  setIfDefined(flowlog, 'acl_id', context.aclId);
  if (context.format === 'vnet') {
    flowlog.flow_log_id = context.resourceId;
    setIfDefined(flowlog, 'flow_log_guid', context.flowLogGuid);
    setIfDefined(flowlog, 'target_resource_id', context.targetResourceId);
  } else {
    flowlog.nsg_id = context.resourceId;
    setIfDefined(flowlog, 'system_id', context.systemId);
  }
  return flowlog;
}

/** `rule`, `observer` and `cloud`, which come from the record. */
function contextOuter(context: RecordContext): Record<string, unknown> {
  const resourceId = context.format === 'vnet' ? (context.targetResourceId ?? context.resourceId) : context.resourceId;
  const subscription = /\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1];
  const cloud: Record<string, unknown> = { provider: 'azure', service: { name: 'Network Watcher' } };
  if (subscription !== undefined) {
    cloud.account = { id: subscription.toLowerCase() };
  }
  return {
    rule: { name: context.rule },
    observer: { vendor: 'Microsoft', product: 'Azure Network Watcher', type: 'firewall', name: lastSegment(context.targetResourceId ?? context.resourceId) },
    cloud,
  };
}

export function rowToEcs(row: FlowRow, owners?: EcsOwners): string {
  return `${jsonText(rowToEcsObject(row, owners))}\n`;
}

function flowAction(state: FlowState | undefined): string {
  switch (state) {
    case 'begin':
      return 'flow_started';
    case 'continuing':
      return 'flow_continued';
    case 'end':
      return 'flow_ended';
    default:
      return 'flow_allowed';
  }
}

function lastSegment(resourceId: string): string {
  return resourceId.slice(resourceId.lastIndexOf('/') + 1);
}

function setIfDefined(target: Record<string, unknown>, name: string, value: unknown): void {
  if (value !== undefined) {
    target[name] = value;
  }
}

function sumDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined && b === undefined) {
    return undefined;
  }
  return (a ?? 0) + (b ?? 0);
}

/** The parts of an ECS event that come from the row's context, as JSON text. */
interface EcsContextText {
  /** `"code":…,"outcome":…,"provider":…,"created":…}` closing `event`. */
  event: string;
  /** The logging NIC's MAC, in ECS form, as a JSON string. */
  mac: string;
  /** `"rule":…,"observer":…,"cloud":…,"azure":{"flowlog":{` up to `"record_index":…,`. */
  middle: string;
  /** The members of `azure.flowlog` after the tuple's own, each with a leading comma. */
  end: string;
  /** `event` and a comma, as UTF-8. */
  eventBytes: Buffer;
  /** `mac`, as UTF-8. */
  macBytes: Buffer;
  /** `middle`, as UTF-8. */
  middleBytes: Buffer;
  /** `end` with the closing braces of `flowlog`, `azure` and the event and the line end, as UTF-8. */
  endBytes: Buffer;
}

/** The text of an ECS event between its varying parts, as bytes, in the order `writeRow` writes them. */
const ecsBytes = {
  timestamp: ascii('{"@timestamp":"'),
  typeHead: ascii('","ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":['),
  sourceIp: ascii('"source":{"ip":'),
  port: ascii(',"port":'),
  mac: ascii(',"mac":'),
  packets: ascii(',"packets":'),
  bytes: ascii(',"bytes":'),
  destinationIp: ascii('},"destination":{"ip":'),
  transport: ascii('},"network":{"transport":'),
  iana: ascii(',"iana_number":"'),
  ingress: ascii('","direction":"ingress","type":"'),
  egress: ascii('","direction":"egress","type":"'),
  ipv4: ascii('ipv4"'),
  ipv6: ascii('ipv6"'),
  related: ascii('},"related":{"ip":['),
  relatedEnd: ascii(']},'),
  tupleIndex: ascii('"tuple_index":'),
  state: ['', ',"state":"B"', ',"state":"C"', ',"state":"E"', ',"state":"D"'].map(ascii),
  comma: ascii(','),
};

/** `"connection","allowed"…],"action":"…",` for each verdict (0 allowed, 1 denied) and state code. */
const ecsTypesAndActions = [false, true].map((denied) =>
  ([undefined, 'begin', 'continuing', 'end', 'deny'] as const).map((state) =>
    ascii(
      `${eventTypes(denied, state)
        .map((type) => `"${type}"`)
        .join(',')}],"action":"${denied ? 'flow_denied' : flowAction(state)}",`,
    ),
  ),
);

/**
 * Writes rows as ECS NDJSON straight from the table's columns, reusing the text of what
 * repeats (addresses, a context's fields, timestamps). Produces exactly what `rowToEcs`
 * produces for `table.rowAt(row)` (a unit test holds the two together).
 */
export class EcsTextCache {
  private readonly ips: string[] = [];
  private readonly ipBytes: Buffer[] = [];
  private readonly ipIsV6: boolean[] = [];
  private readonly transports: string[] = [];
  private readonly transportBytes: Buffer[] = [];
  private readonly encryptions: string[] = [];
  private readonly encryptionBytes: Buffer[] = [];
  private readonly contexts = new Map<RecordContext, EcsContextText>();
  private lastContext: RecordContext | undefined;
  private lastContextText: EcsContextText | undefined;
  /** JSON text of the strings in contexts: every record has its own contexts, but most of their values repeat. */
  private readonly strings = new Map<string, string>();
  private readonly times = new IsoTimeCache();
  private lastTime = NaN;
  private lastTimeText = '';

  constructor(private readonly table: FlowTable) {}

  row(row: number, owners?: EcsOwners): string {
    const table = this.table;
    const flags = table.flags[row];
    const state = flagState(flags);
    const denied = flagDecision(flags) === 'deny';
    const inbound = flagDirection(flags) === 'inbound';
    const protocol = table.protocol[row];
    const context = this.context(table.contexts[table.context[row]]);
    const time = table.time[row];
    if (time !== this.lastTime) {
      this.lastTime = time;
      this.lastTimeText = this.times.text(time);
    }
    const srcIndex = table.srcIp[row];
    const dstIndex = table.dstIp[row];
    const src = this.ip(srcIndex);
    const dst = this.ip(dstIndex);
    const packetsSrcToDst = table.packetsSrcToDst[row];
    const bytesSrcToDst = table.bytesSrcToDst[row];
    const packetsDstToSrc = table.packetsDstToSrc[row];
    const bytesDstToSrc = table.bytesDstToSrc[row];
    const verdict = denied ? 'denied' : 'allowed';
    const types = state === 'begin' ? `"connection","${verdict}","start"` : state === 'end' ? `"connection","${verdict}","end"` : `"connection","${verdict}"`;
    let text = `{"@timestamp":"${this.lastTimeText}","ecs":{"version":"8.11.0"},"event":{"kind":"event","category":["network"],"type":[${types}],"action":"${denied ? 'flow_denied' : flowAction(state)}",${context.event},"source":{"ip":${src},"port":${table.srcPort[row]}`;
    if (!inbound) {
      text += `,"mac":${context.mac}`;
    }
    if (owners?.src !== undefined) {
      text += `,"domain":${jsonText(owners.src.vm ?? owners.src.nic)}`;
    }
    if (packetsSrcToDst === packetsSrcToDst) {
      text += `,"packets":${packetsSrcToDst}`;
    }
    if (bytesSrcToDst === bytesSrcToDst) {
      text += `,"bytes":${bytesSrcToDst}`;
    }
    text += `},"destination":{"ip":${dst},"port":${table.dstPort[row]}`;
    if (inbound) {
      text += `,"mac":${context.mac}`;
    }
    if (owners?.dst !== undefined) {
      text += `,"domain":${jsonText(owners.dst.vm ?? owners.dst.nic)}`;
    }
    if (packetsDstToSrc === packetsDstToSrc) {
      text += `,"packets":${packetsDstToSrc}`;
    }
    if (bytesDstToSrc === bytesDstToSrc) {
      text += `,"bytes":${bytesDstToSrc}`;
    }
    text += `},"network":{"transport":${this.transport(protocol)},"iana_number":"${protocol}","direction":"${inbound ? 'ingress' : 'egress'}","type":"${this.ipIsV6[srcIndex] ? 'ipv6' : 'ipv4'}"`;
    if (bytesSrcToDst === bytesSrcToDst || bytesDstToSrc === bytesDstToSrc) {
      text += `,"bytes":${(bytesSrcToDst === bytesSrcToDst ? bytesSrcToDst : 0) + (bytesDstToSrc === bytesDstToSrc ? bytesDstToSrc : 0)}`;
    }
    if (packetsSrcToDst === packetsSrcToDst || packetsDstToSrc === packetsDstToSrc) {
      text += `,"packets":${(packetsSrcToDst === packetsSrcToDst ? packetsSrcToDst : 0) + (packetsDstToSrc === packetsDstToSrc ? packetsDstToSrc : 0)}`;
    }
    // Equal addresses share their dictionary index.
    text += `},"related":{"ip":[${srcIndex === dstIndex ? src : `${src},${dst}`}]},${context.middle}"tuple_index":${table.tupleIndex[row]}`;
    if (state !== undefined) {
      text += `,"state":"${stateLetters[state]}"`;
    }
    const encryption = table.encryption[row];
    if (encryption !== 0) {
      text += this.encryption(encryption);
    }
    text += context.end;
    if (owners?.src !== undefined) {
      text += `,"source_nic":${jsonText(owners.src.nic)}`;
    }
    if (owners?.dst !== undefined) {
      text += `,"destination_nic":${jsonText(owners.dst.nic)}`;
    }
    if (owners?.logged !== undefined) {
      return `${text}}},"host":{"name":${jsonText(owners.logged.vm ?? owners.logged.nic)}}}\n`;
    }
    return `${text}}}}\n`;
  }

  /**
   * `row(row)` as UTF-8 straight into the writer's chunk, without making the line's string
   * (the same bytes: a unit test compares them). For rows without inventory names.
   */
  writeRow(row: number, writer: ChunkWriter): void {
    const table = this.table;
    const flags = table.flags[row];
    const stateCode = flagStateCode(flags);
    const denied = flagDecision(flags) === 'deny';
    const inbound = flagDirection(flags) === 'inbound';
    const protocol = table.protocol[row];
    const context = this.context(table.contexts[table.context[row]]);
    const time = table.time[row];
    const srcIndex = table.srcIp[row];
    const dstIndex = table.dstIp[row];
    this.ip(srcIndex);
    this.ip(dstIndex);
    const src = this.ipBytes[srcIndex];
    const dst = this.ipBytes[dstIndex];
    const encryption = table.encryption[row];
    const encryptionBytes = encryption === 0 ? undefined : this.encryptionPiece(encryption);
    // The constant parts and numbers take well under 1 KB; the rest is counted.
    writer.reserve(
      1024 + context.eventBytes.length + context.macBytes.length + context.middleBytes.length + context.endBytes.length + 2 * (src.length + dst.length) + (encryptionBytes?.length ?? 0),
    );
    const packetsSrcToDst = table.packetsSrcToDst[row];
    const bytesSrcToDst = table.bytesSrcToDst[row];
    const packetsDstToSrc = table.packetsDstToSrc[row];
    const bytesDstToSrc = table.bytesDstToSrc[row];
    put(writer, ecsBytes.timestamp);
    this.times.put(time, writer);
    put(writer, ecsBytes.typeHead);
    put(writer, ecsTypesAndActions[denied ? 1 : 0][stateCode]);
    put(writer, context.eventBytes);
    put(writer, ecsBytes.sourceIp);
    put(writer, src);
    put(writer, ecsBytes.port);
    putNumber(writer, table.srcPort[row]);
    if (!inbound) {
      put(writer, ecsBytes.mac);
      put(writer, context.macBytes);
    }
    if (packetsSrcToDst === packetsSrcToDst) {
      put(writer, ecsBytes.packets);
      putNumber(writer, packetsSrcToDst);
    }
    if (bytesSrcToDst === bytesSrcToDst) {
      put(writer, ecsBytes.bytes);
      putNumber(writer, bytesSrcToDst);
    }
    put(writer, ecsBytes.destinationIp);
    put(writer, dst);
    put(writer, ecsBytes.port);
    putNumber(writer, table.dstPort[row]);
    if (inbound) {
      put(writer, ecsBytes.mac);
      put(writer, context.macBytes);
    }
    if (packetsDstToSrc === packetsDstToSrc) {
      put(writer, ecsBytes.packets);
      putNumber(writer, packetsDstToSrc);
    }
    if (bytesDstToSrc === bytesDstToSrc) {
      put(writer, ecsBytes.bytes);
      putNumber(writer, bytesDstToSrc);
    }
    put(writer, ecsBytes.transport);
    put(writer, this.transportPiece(protocol));
    put(writer, ecsBytes.iana);
    putNumber(writer, protocol);
    put(writer, inbound ? ecsBytes.ingress : ecsBytes.egress);
    put(writer, this.ipIsV6[srcIndex] ? ecsBytes.ipv6 : ecsBytes.ipv4);
    if (bytesSrcToDst === bytesSrcToDst || bytesDstToSrc === bytesDstToSrc) {
      put(writer, ecsBytes.bytes);
      putNumber(writer, (bytesSrcToDst === bytesSrcToDst ? bytesSrcToDst : 0) + (bytesDstToSrc === bytesDstToSrc ? bytesDstToSrc : 0));
    }
    if (packetsSrcToDst === packetsSrcToDst || packetsDstToSrc === packetsDstToSrc) {
      put(writer, ecsBytes.packets);
      putNumber(writer, (packetsSrcToDst === packetsSrcToDst ? packetsSrcToDst : 0) + (packetsDstToSrc === packetsDstToSrc ? packetsDstToSrc : 0));
    }
    put(writer, ecsBytes.related);
    put(writer, src);
    if (srcIndex !== dstIndex) {
      put(writer, ecsBytes.comma);
      put(writer, dst);
    }
    put(writer, ecsBytes.relatedEnd);
    put(writer, context.middleBytes);
    put(writer, ecsBytes.tupleIndex);
    putNumber(writer, table.tupleIndex[row]);
    put(writer, ecsBytes.state[stateCode]);
    if (encryptionBytes !== undefined) {
      put(writer, encryptionBytes);
    }
    put(writer, context.endBytes);
  }

  private encryptionPiece(index: number): Buffer {
    let bytes = this.encryptionBytes[index];
    if (bytes === undefined) {
      bytes = Buffer.from(this.encryption(index), 'utf8');
      this.encryptionBytes[index] = bytes;
    }
    return bytes;
  }

  private transportPiece(protocol: number): Buffer {
    let bytes = this.transportBytes[protocol];
    if (bytes === undefined) {
      bytes = Buffer.from(this.transport(protocol), 'utf8');
      this.transportBytes[protocol] = bytes;
    }
    return bytes;
  }

  private ip(index: number): string {
    let text = this.ips[index];
    if (text === undefined) {
      const value = this.table.ips.values[index];
      text = jsonText(value);
      this.ips[index] = text;
      this.ipBytes[index] = Buffer.from(text, 'utf8');
      this.ipIsV6[index] = value.includes(':');
    }
    return text;
  }

  private transport(protocol: number): string {
    let text = this.transports[protocol];
    if (text === undefined) {
      text = jsonText(transportName(protocol));
      this.transports[protocol] = text;
    }
    return text;
  }

  /** `,"encryption":…` of an encryption value's dictionary index. */
  private encryption(index: number): string {
    let text = this.encryptions[index];
    if (text === undefined) {
      text = `,"encryption":${jsonText(this.table.encryptions.values[index])}`;
      this.encryptions[index] = text;
    }
    return text;
  }

  private context(context: RecordContext): EcsContextText {
    // Rows of one rule group are consecutive and share their context.
    if (context === this.lastContext && this.lastContextText !== undefined) {
      return this.lastContextText;
    }
    let text = this.contexts.get(context);
    if (text === undefined) {
      const members = (value: Record<string, unknown>): string => cachedJsonMembers(value, this.strings);
      const tail = members(contextFlowlog(context));
      text = {
        event: `${members({
          code: operationName(context),
          outcome: 'success',
          provider: context.format === 'nsg' ? 'NetworkSecurityGroupFlowEvent' : 'FlowLogFlowEvent',
          created: context.recordTime,
        })}}`,
        mac: cachedJsonText(ecsMac(context.mac), this.strings),
        middle: `${members(contextOuter(context))},"azure":{"flowlog":{${members({
          format: context.format,
          version: context.version,
          mac: context.mac,
          record_time: context.recordTime,
          record_index: context.recordIndex,
        })},`,
        end: tail.length > 0 ? `,${tail}` : '',
        eventBytes: emptyBytes,
        macBytes: emptyBytes,
        middleBytes: emptyBytes,
        endBytes: emptyBytes,
      };
      text.eventBytes = Buffer.from(`${text.event},`, 'utf8');
      text.macBytes = Buffer.from(text.mac, 'utf8');
      text.middleBytes = Buffer.from(text.middle, 'utf8');
      text.endBytes = Buffer.from(`${text.end}}}}\n`, 'utf8');
      this.contexts.set(context, text);
    }
    this.lastContext = context;
    this.lastContextText = text;
    return text;
  }
}
