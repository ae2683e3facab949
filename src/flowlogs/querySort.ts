/** Sorting tuple rows and connections by a viewer column, stably. */
import type { FlowTable } from './flowTable';
import type { SortSpec } from '../core/viewerProtocol';
import { rankAddresses } from './ipMatch';
import { sortByKeys } from './sortKeys';
import type { ConnectionColumns } from './queryFilter';

/** Sort ranks of the table's addresses and rules, computed once per table size. */
interface TableRanks {
  ipCount: number;
  contextCount: number;
  ip: Uint32Array;
  rule: Uint32Array;
}

const ranksByTable = new WeakMap<FlowTable, TableRanks>();

function tableRanks(table: FlowTable): TableRanks {
  const cached = ranksByTable.get(table);
  if (cached !== undefined && cached.ipCount === table.ips.size && cached.contextCount === table.contexts.length) {
    return cached;
  }
  const rules = table.contexts.map((context) => context.rule);
  const ruleOrder = [...new Set(rules)].sort((a, b) => a.localeCompare(b));
  const ruleRank = new Map(ruleOrder.map((rule, rank) => [rule, rank]));
  const ranks: TableRanks = {
    ipCount: table.ips.size,
    contextCount: table.contexts.length,
    ip: rankAddresses(table.ips.values),
    rule: Uint32Array.from(rules, (rule) => ruleRank.get(rule) ?? 0),
  };
  ranksByTable.set(table, ranks);
  return ranks;
}

/** The sum of two counters, NaN when neither was logged. */
export function sumCounters(a: number, b: number): number {
  if (Number.isNaN(a)) {
    return b;
  }
  return Number.isNaN(b) ? a : a + b;
}

/** Stable sort of tuple rows. `duration` does not apply to tuples and keeps the order. */
export function sortRows(table: FlowTable, rows: Uint32Array, sort: SortSpec | undefined): Uint32Array {
  if (sort === undefined || sort.column === 'duration') {
    return rows;
  }
  const keys = new Float64Array(rows.length);
  const needsRanks = sort.column === 'srcIp' || sort.column === 'dstIp' || sort.column === 'rule';
  const ranks = needsRanks ? tableRanks(table) : undefined;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    keys[i] = tupleKey(table, row, sort.column, ranks, table.flags[row]);
  }
  return sortByKeys(rows, keys, sort.descending);
}

function tupleKey(table: FlowTable, row: number, column: SortSpec['column'], ranks: TableRanks | undefined, flags: number): number {
  switch (column) {
    case 'time':
      return table.time[row];
    case 'srcIp':
      return (ranks as TableRanks).ip[table.srcIp[row]];
    case 'dstIp':
      return (ranks as TableRanks).ip[table.dstIp[row]];
    case 'srcPort':
      return table.srcPort[row];
    case 'dstPort':
      return table.dstPort[row];
    case 'protocol':
      return table.protocol[row];
    case 'direction':
      return flags & 1;
    case 'decision':
      return (flags >> 1) & 1;
    case 'state':
      return flags >> 2;
    case 'rule':
      return (ranks as TableRanks).rule[table.context[row]];
    case 'packets':
      return sumCounters(table.packetsSrcToDst[row], table.packetsDstToSrc[row]);
    case 'bytes':
      return sumCounters(table.bytesSrcToDst[row], table.bytesDstToSrc[row]);
    case 'duration':
      return 0;
  }
}

/** Stable sort of connection numbers; address, port and rule columns use the first tuple. */
export function sortConnections(table: FlowTable, connections: ConnectionColumns, indexes: Uint32Array, sort: SortSpec | undefined): Uint32Array {
  if (sort === undefined) {
    return indexes;
  }
  const keys = new Float64Array(indexes.length);
  const ranks = sort.column === 'srcIp' || sort.column === 'dstIp' || sort.column === 'rule' ? tableRanks(table) : undefined;
  for (let i = 0; i < indexes.length; i++) {
    const index = indexes[i];
    switch (sort.column) {
      case 'time':
        keys[i] = connections.start[index];
        break;
      case 'duration':
        keys[i] = connections.end[index] - connections.start[index];
        break;
      case 'packets':
        keys[i] = sumCounters(connections.packetsSrcToDst[index], connections.packetsDstToSrc[index]);
        break;
      case 'bytes':
        keys[i] = sumCounters(connections.bytesSrcToDst[index], connections.bytesDstToSrc[index]);
        break;
      default: {
        const first = connections.tupleRows[connections.tupleRowStart[index]];
        const flags = (table.flags[first] & 1) | (connections.finalFlags[index] & ~1);
        keys[i] = tupleKey(table, first, sort.column, ranks, flags);
      }
    }
  }
  return sortByKeys(indexes, keys, sort.descending);
}
