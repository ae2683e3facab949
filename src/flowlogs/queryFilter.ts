/**
 * Filters over a FlowTable (tuples) or a connection table.
 *
 * Filters are compiled once per query: every condition on a string (addresses, rule, MAC,
 * resource IDs) is evaluated once per dictionary entry or record context, and the per-row loop
 * only reads typed arrays and lookup tables.
 */
import { flagDecision, flagDirection, flagState, type FlowTable } from './flowTable';
import type { AddressOwners, RowFilter } from '../core/viewerProtocol';
import { ownerLabel } from './addressOwners';
import { compileIpListMatcher, compileIpMatcher, type IpMatcherResult } from './ipMatch';
import type { ConnectionTable } from './connections';

/** The columns of a joined connection table that queries read. */
export type ConnectionColumns = ConnectionTable;

export type FilterField = keyof RowFilter;

/** A filter value that could not be understood, with the text to show next to its field. */
export interface FilterProblem {
  field: FilterField;
  message: string;
}

/** A filter ready to run against one table. Fields with problems do not filter. */
export interface CompiledFilter {
  problems: FilterProblem[];
  /** False when nothing filters (every row matches). */
  isActive: boolean;
  /** Tests one tuple row. */
  matchesRow(row: number): boolean;
  /** Tests one connection, by its first tuple's addresses, ports, protocol and rule, final state and time span. */
  matchesConnection(connections: ConnectionColumns, index: number): boolean;
  /** The lookup tables behind `matchesRow`, for the tight loop in `filterRows`. */
  readonly parts: FilterParts;
}

/** Per-value lookup tables of a compiled filter; undefined parts do not filter. */
export interface FilterParts {
  flagsOk?: Uint8Array;
  protocolOk?: Uint8Array;
  timeFrom: number;
  timeTo: number;
  hasTime: boolean;
  portOk?: Uint8Array;
  ipOk?: Uint8Array;
  /** Source-only and destination-only address lists. */
  srcOk?: Uint8Array;
  dstOk?: Uint8Array;
  contextOk?: Uint8Array;
  textIp?: Uint8Array;
  textContext?: Uint8Array;
  textPort?: Uint8Array;
}

/** Parses `443`, `1000-2000` or `80,443,8000-8100` into a 65,536-entry lookup table. */
export function parsePortFilter(input: string): { ports: Uint8Array } | { message: string } {
  const ports = new Uint8Array(65536);
  const parts = input.split(',').map((part) => part.trim()).filter((part) => part !== '');
  if (parts.length === 0) {
    return { message: 'Enter a port (443) or a range (1000-2000).' };
  }
  for (const part of parts) {
    const match = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(part);
    if (match === null) {
      return { message: `"${part}" is not a port or range. Examples: 443, 1000-2000.` };
    }
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (from > 65535 || to > 65535) {
      return { message: `Ports go from 0 to 65535; "${part}" is outside that.` };
    }
    if (from > to) {
      return { message: `The range "${part}" starts after it ends; write the smaller port first.` };
    }
    ports.fill(1, from, to + 1);
  }
  return { ports };
}

/** A MAC address written with `-` or `:` between its six byte pairs: `00-0D-3A-C1-D4-BD`. */
const separatedMac = /^[0-9a-f]{2}([-:])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/;

/**
 * The lower-case strings a text search looks for. Flow logs store MACs bare (`000D3AC1D4BD`)
 * while Azure and our tree tooltips show them separated, so a separated MAC also looks for its
 * bare form; the typed form stays, as `aa:bb:cc:dd:ee:ff` can be part of an IPv6 address.
 */
export function textNeedles(needle: string): string[] {
  return separatedMac.test(needle) ? [needle, needle.replace(/[-:]/g, '')] : [needle];
}

/**
 * Compiles `filter` for `table`. Never throws for bad user input: a value that cannot be parsed
 * (bad CIDR, bad port range, inverted time range) becomes a `FilterProblem` and is ignored.
 * With `owners` (the signed-in inventory's NICs), the text also finds NIC and VM names.
 */
export function compileFilter(table: FlowTable, filter: RowFilter, owners?: AddressOwners): CompiledFilter {
  const problems: FilterProblem[] = [];
  const ipCount = table.ips.size;
  const contextCount = table.contexts.length;

  // Direction, decision and state all live in the flags byte: one lookup decides all three.
  let flagsOk: Uint8Array | undefined;
  const states = filter.states !== undefined && filter.states.length > 0 ? new Set<string>(filter.states) : undefined;
  if (filter.direction !== undefined || filter.decision !== undefined || states !== undefined) {
    flagsOk = new Uint8Array(256);
    for (let flags = 0; flags < 256; flags++) {
      const state = flagState(flags) ?? 'none';
      flagsOk[flags] =
        (filter.direction === undefined || flagDirection(flags) === filter.direction) &&
        (filter.decision === undefined || flagDecision(flags) === filter.decision) &&
        (states === undefined || states.has(state))
          ? 1
          : 0;
    }
  }

  let protocolOk: Uint8Array | undefined;
  if (filter.protocols !== undefined && filter.protocols.length > 0) {
    protocolOk = new Uint8Array(256);
    for (const protocol of filter.protocols) {
      if (Number.isInteger(protocol) && protocol >= 0 && protocol < 256) {
        protocolOk[protocol] = 1;
      }
    }
  }

  let timeFrom = -Infinity;
  let timeTo = Infinity;
  const hasTimeFrom = typeof filter.timeFrom === 'number' && Number.isFinite(filter.timeFrom);
  const hasTimeTo = typeof filter.timeTo === 'number' && Number.isFinite(filter.timeTo);
  if (hasTimeFrom && hasTimeTo && (filter.timeFrom as number) > (filter.timeTo as number)) {
    problems.push({ field: 'timeTo', message: 'The end of the time range is before its start.' });
  } else {
    if (hasTimeFrom) {
      timeFrom = filter.timeFrom as number;
    }
    if (hasTimeTo) {
      timeTo = filter.timeTo as number;
    }
  }
  const hasTime = timeFrom !== -Infinity || timeTo !== Infinity;

  let portOk: Uint8Array | undefined;
  if (filter.port !== undefined && filter.port.trim() !== '') {
    const parsed = parsePortFilter(filter.port);
    if ('message' in parsed) {
      problems.push({ field: 'port', message: parsed.message });
    } else {
      portOk = parsed.ports;
    }
  }

  let ipOk: Uint8Array | undefined;
  if (filter.ip !== undefined && filter.ip.trim() !== '') {
    const parsed = compileIpMatcher(filter.ip);
    if ('message' in parsed) {
      problems.push({ field: 'ip', message: parsed.message });
    } else {
      ipOk = new Uint8Array(ipCount);
      const values = table.ips.values;
      for (let i = 0; i < ipCount; i++) {
        ipOk[i] = parsed.matcher.matches(values[i]) ? 1 : 0;
      }
    }
  }

  /** Which of the table's addresses one end's list keeps. */
  const endMatches = (field: 'srcIp' | 'dstIp', compile: (input: string) => IpMatcherResult): Uint8Array | undefined => {
    const input = filter[field];
    if (input === undefined || input.trim() === '') {
      return undefined;
    }
    const parsed = compile(input);
    if ('message' in parsed) {
      problems.push({ field, message: parsed.message });
      return undefined;
    }
    const ok = new Uint8Array(ipCount);
    const values = table.ips.values;
    for (let i = 0; i < ipCount; i++) {
      ok[i] = parsed.matcher.matches(values[i]) ? 1 : 0;
    }
    return ok;
  };
  const srcOk = endMatches('srcIp', compileIpListMatcher);
  const dstOk = endMatches('dstIp', compileIpListMatcher);

  let contextOk: Uint8Array | undefined;
  if (filter.rule !== undefined && filter.rule !== '') {
    contextOk = new Uint8Array(contextCount);
    for (let i = 0; i < contextCount; i++) {
      contextOk[i] = table.contexts[i].rule === filter.rule ? 1 : 0;
    }
  }

  // Text: a row matches when any of its addresses, ports or context strings contains the needle.
  let textIp: Uint8Array | undefined;
  let textContext: Uint8Array | undefined;
  let textPort: Uint8Array | undefined;
  const needle = (filter.text ?? '').trim().toLowerCase();
  if (needle !== '') {
    const needles = textNeedles(needle);
    // Record contexts repeat a few rules, MACs and resource IDs hundreds of thousands of times: each distinct value is searched once.
    const seen = new Map<string, boolean>();
    const contains = (value: string): boolean => {
      let found = seen.get(value);
      if (found === undefined) {
        const lower = value.toLowerCase();
        found = needles.some((item) => lower.includes(item));
        seen.set(value, found);
      }
      return found;
    };
    textIp = new Uint8Array(ipCount);
    const values = table.ips.values;
    for (let i = 0; i < ipCount; i++) {
      textIp[i] = contains(values[i]) || (owners !== undefined && contains(ownerLabel(owners.byIp[values[i].toLowerCase()]))) ? 1 : 0;
    }
    textContext = new Uint8Array(contextCount);
    for (let i = 0; i < contextCount; i++) {
      const context = table.contexts[i];
      textContext[i] =
        contains(context.rule) ||
        contains(context.mac) ||
        contains(context.resourceId) ||
        contains(context.targetResourceId ?? '') ||
        contains(context.aclId ?? '') ||
        (owners !== undefined && contains(ownerLabel(owners.byMac[context.mac])))
          ? 1
          : 0;
    }
    if (/^\d{1,5}$/.test(needle)) {
      textPort = new Uint8Array(65536);
      for (let port = 0; port < 65536; port++) {
        textPort[port] = String(port).includes(needle) ? 1 : 0;
      }
    }
  }

  const isActive =
    flagsOk !== undefined ||
    protocolOk !== undefined ||
    hasTime ||
    portOk !== undefined ||
    ipOk !== undefined ||
    srcOk !== undefined ||
    dstOk !== undefined ||
    contextOk !== undefined ||
    textIp !== undefined;

  function matchesFields(row: number, flags: number): boolean {
    if (flagsOk !== undefined && flagsOk[flags] === 0) {
      return false;
    }
    if (protocolOk !== undefined && protocolOk[table.protocol[row]] === 0) {
      return false;
    }
    if (portOk !== undefined && portOk[table.srcPort[row]] === 0 && portOk[table.dstPort[row]] === 0) {
      return false;
    }
    if (ipOk !== undefined && ipOk[table.srcIp[row]] !== 1 && ipOk[table.dstIp[row]] !== 1) {
      return false;
    }
    if ((srcOk !== undefined && srcOk[table.srcIp[row]] !== 1) || (dstOk !== undefined && dstOk[table.dstIp[row]] !== 1)) {
      return false;
    }
    if (contextOk !== undefined && contextOk[table.context[row]] !== 1) {
      return false;
    }
    if (textIp !== undefined && textContext !== undefined) {
      if (
        textIp[table.srcIp[row]] !== 1 &&
        textIp[table.dstIp[row]] !== 1 &&
        textContext[table.context[row]] !== 1 &&
        (textPort === undefined || (textPort[table.srcPort[row]] === 0 && textPort[table.dstPort[row]] === 0))
      ) {
        return false;
      }
    }
    return true;
  }

  return {
    problems,
    isActive,
    parts: { flagsOk, protocolOk, timeFrom, timeTo, hasTime, portOk, ipOk, srcOk, dstOk, contextOk, textIp, textContext, textPort },
    matchesRow(row: number): boolean {
      if (hasTime) {
        const time = table.time[row];
        if (time < timeFrom || time > timeTo) {
          return false;
        }
      }
      return matchesFields(row, table.flags[row]);
    },
    matchesConnection(connections: ConnectionColumns, index: number): boolean {
      if (hasTime && (connections.end[index] < timeFrom || connections.start[index] > timeTo)) {
        return false;
      }
      const first = connections.tupleRows[connections.tupleRowStart[index]];
      // Direction comes from the first tuple; decision and state from the last one.
      const flags = (table.flags[first] & 1) | (connections.finalFlags[index] & ~1);
      return matchesFields(first, flags);
    },
  };
}

/** Rows of `table` matching `filter`, in table order. */
export function filterRows(table: FlowTable, filter: CompiledFilter): Uint32Array {
  const result = new Uint32Array(table.length);
  return result.slice(0, matchRows(table, filter, 0, table.length, result, 0));
}

/**
 * Appends the rows `fromRow..toRow` of `table` matching `filter` to `index[0..length)`, in table
 * order; returns the index (a bigger copy when it had no room) and its new length.
 */
export function appendMatchingRows(table: FlowTable, filter: CompiledFilter, fromRow: number, toRow: number, index: Uint32Array, length: number): { index: Uint32Array; length: number } {
  let result = index;
  const needed = length + Math.max(0, toRow - fromRow);
  if (needed > result.length) {
    result = new Uint32Array(Math.max(needed, Math.min(Math.ceil(result.length * 1.5), table.capacity)));
    result.set(index.subarray(0, length));
  }
  return { index: result, length: matchRows(table, filter, fromRow, toRow, result, length) };
}

/** Writes the matching rows of `fromRow..toRow` to `result` from `at`; returns the position after the last. */
function matchRows(table: FlowTable, filter: CompiledFilter, fromRow: number, toRow: number, result: Uint32Array, at: number): number {
  let count = at;
  if (!filter.isActive) {
    for (let row = fromRow; row < toRow; row++) {
      result[count++] = row;
    }
    return count;
  }
  // One loop with every lookup in a local: this runs over millions of rows per keystroke.
  const { flagsOk, protocolOk, timeFrom, timeTo, hasTime, portOk, ipOk, srcOk, dstOk, contextOk, textIp, textContext, textPort } = filter.parts;
  const { flags, protocol, time, srcPort, dstPort, srcIp, dstIp, context } = table;
  for (let row = fromRow; row < toRow; row++) {
    if (flagsOk !== undefined && flagsOk[flags[row]] === 0) {
      continue;
    }
    if (protocolOk !== undefined && protocolOk[protocol[row]] === 0) {
      continue;
    }
    if (hasTime) {
      const t = time[row];
      if (t < timeFrom || t > timeTo) {
        continue;
      }
    }
    if (portOk !== undefined && portOk[srcPort[row]] === 0 && portOk[dstPort[row]] === 0) {
      continue;
    }
    if (ipOk !== undefined && ipOk[srcIp[row]] !== 1 && ipOk[dstIp[row]] !== 1) {
      continue;
    }
    if ((srcOk !== undefined && srcOk[srcIp[row]] !== 1) || (dstOk !== undefined && dstOk[dstIp[row]] !== 1)) {
      continue;
    }
    if (contextOk !== undefined && contextOk[context[row]] !== 1) {
      continue;
    }
    if (
      textIp !== undefined &&
      textContext !== undefined &&
      textIp[srcIp[row]] !== 1 &&
      textIp[dstIp[row]] !== 1 &&
      textContext[context[row]] !== 1 &&
      (textPort === undefined || (textPort[srcPort[row]] === 0 && textPort[dstPort[row]] === 0))
    ) {
      continue;
    }
    result[count++] = row;
  }
  return count;
}

/** Connection numbers matching `filter`, in connection order. */
export function filterConnections(connections: ConnectionColumns, filter: CompiledFilter): Uint32Array {
  const length = connections.length;
  const result = new Uint32Array(length);
  let count = 0;
  for (let index = 0; index < length; index++) {
    if (!filter.isActive || filter.matchesConnection(connections, index)) {
      result[count++] = index;
    }
  }
  return result.slice(0, count);
}
