/**
 * Filtering, sorting and aggregation over a FlowTable (tuples) or a connection table.
 *
 * This module is the query engine's entry point: filters are compiled and run in queryFilter.ts,
 * rows and connections sorted in querySort.ts, aggregated in queryAggregates.ts and shaped for
 * the viewer's table in viewRows.ts.
 */
export { appendMatchingRows, compileFilter, filterConnections, filterRows, parsePortFilter, type CompiledFilter, type ConnectionColumns } from './queryFilter';
export { sortConnections, sortRows, sumCounters } from './querySort';
export { AggregateBuilder, aggregateConnections, aggregateRows, maxTimelineBuckets, timelineBuckets } from './queryAggregates';
export { connectionViewRow, tupleViewRow } from './viewRows';
