/**
 * What a click on a chart does to the filters, and the numbers the traffic-over-time chart draws.
 * Pure: no DOM access.
 */
import type { RowFilter, Timeline } from '../../src/core/viewerProtocol';

/** A bar the user clicked. */
export type ChartPick =
  | { kind: 'decision'; decision: 'allow' | 'deny' }
  /** A top talker: its source address. */
  | { kind: 'talker'; ip: string }
  /** A top denied destination port as the chart labels it: `22/TCP`, `53/UDP`, `0/ICMP`. */
  | { kind: 'deniedPort'; label: string };

const protocolNumbers: Record<string, number> = { TCP: 6, UDP: 17, ICMP: 1, ICMPV6: 58 };

function deniedPort(label: string): { port: string; protocol?: number } | undefined {
  const match = /^(\d+)\/(.+)$/.exec(label);
  if (match === null) {
    return undefined;
  }
  const name = match[2].toUpperCase();
  const protocol = protocolNumbers[name] ?? (/^\d+$/.test(name) ? Number(name) : undefined);
  return protocol === undefined ? { port: match[1] } : { port: match[1], protocol };
}

/** True when the filters already hold exactly what a click on this bar sets. */
export function isChartFilterActive(filter: RowFilter, pick: ChartPick): boolean {
  switch (pick.kind) {
    case 'decision':
      return filter.decision === pick.decision;
    case 'talker':
      return filter.ip === pick.ip;
    case 'deniedPort': {
      const parsed = deniedPort(pick.label);
      return (
        parsed !== undefined &&
        filter.decision === 'deny' &&
        filter.port === parsed.port &&
        (parsed.protocol === undefined || (filter.protocols?.length === 1 && filter.protocols[0] === parsed.protocol))
      );
    }
  }
}

/**
 * The filters after a click on a bar: the bar's field(s) set, the others kept; a click on a bar
 * whose filter is already set clears that field again.
 * `{}` + talker 10.0.0.4 → `{ ip: '10.0.0.4' }`; denied port `22/TCP` → `{ decision: 'deny', port: '22', protocols: [6] }`.
 */
export function chartFilterFor(filter: RowFilter, pick: ChartPick): RowFilter {
  const next: RowFilter = { ...filter };
  const isActive = isChartFilterActive(filter, pick);
  switch (pick.kind) {
    case 'decision':
      if (isActive) {
        delete next.decision;
      } else {
        next.decision = pick.decision;
      }
      return next;
    case 'talker':
      if (isActive) {
        delete next.ip;
      } else {
        next.ip = pick.ip;
      }
      return next;
    case 'deniedPort': {
      const parsed = deniedPort(pick.label);
      if (parsed === undefined) {
        return next;
      }
      if (isActive) {
        delete next.port;
        delete next.protocols;
        return next;
      }
      next.decision = 'deny';
      next.port = parsed.port;
      if (parsed.protocol === undefined) {
        delete next.protocols;
      } else {
        next.protocols = [parsed.protocol];
      }
      return next;
    }
  }
}

export type TimeMeasure = 'flows' | 'bytes';

export interface TimelineBar {
  start: number;
  end: number;
  allowed: number;
  denied: number;
}

/** One bar per bucket with the chosen measure, and the tallest bar's total (at least 1). */
export function timelineBars(timeline: Timeline, measure: TimeMeasure): { bars: TimelineBar[]; max: number } {
  const allowed = measure === 'flows' ? timeline.allowedFlows : timeline.allowedBytes;
  const denied = measure === 'flows' ? timeline.deniedFlows : timeline.deniedBytes;
  const bars: TimelineBar[] = [];
  let max = 1;
  for (let bucket = 0; bucket < allowed.length; bucket++) {
    const start = timeline.start + bucket * timeline.bucketMs;
    bars.push({ start, end: start + timeline.bucketMs, allowed: allowed[bucket], denied: denied[bucket] });
    max = Math.max(max, allowed[bucket] + denied[bucket]);
  }
  return { bars, max };
}

/**
 * The time filter a drag across the chart sets: from the start of the bucket under one end to
 * the last millisecond of the bucket under the other, whichever way the drag went. Positions are
 * fractions of the chart's width (0 left edge, 1 right edge), clamped.
 */
export function brushRange(timeline: Timeline, fromFraction: number, toFraction: number): { timeFrom: number; timeTo: number } {
  const count = timeline.allowedFlows.length;
  const bucketAt = (fraction: number): number => Math.min(count - 1, Math.max(0, Math.floor(Math.min(1, Math.max(0, fraction)) * count)));
  const first = bucketAt(Math.min(fromFraction, toFraction));
  const last = bucketAt(Math.max(fromFraction, toFraction));
  return { timeFrom: timeline.start + first * timeline.bucketMs, timeTo: timeline.start + (last + 1) * timeline.bucketMs - 1 };
}
