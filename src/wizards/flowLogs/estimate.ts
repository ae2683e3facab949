import type { PlanEstimate } from '../../core/plan';

/**
 * Bytes one flow tuple adds to a VNet flow log blob, envelope included: the Microsoft Learn sample
 * (vnet-flow-logs-overview.md, /work/shared/flowlogs/samples) is 2,167 bytes of compact JSON for
 * 19 tuples. Records with more tuples per block weigh less per tuple, so this leans high.
 */
export const bytesPerTuple = 114;
/** A flow that starts and ends within the hour writes a begin (B) and an end (E) tuple. */
export const tuplesPerFlow = 2;
export const defaultFlowsPerHourPerNic = 1000;
const hoursPerMonth = 730;

/** List prices (USD, pay-as-you-go) the estimate assumes; shown as inputs so a reader can redo the sum. */
export const flowLogPrices = {
  asOf: 'December 2026',
  /** Network Watcher: virtual network flow logs collected, per GB (the first 5 GB per subscription per month are free). */
  collectionPerGb: 0.5,
  freeGbPerMonth: 5,
  /** Traffic Analytics processing, per GB of flow logs processed, at the 60- and 10-minute intervals. */
  trafficAnalyticsPerGb: { 60: 2.3, 10: 3.5 } as Record<number, number>,
  /** Blob storage, hot tier, LRS, per GB-month. */
  storagePerGbMonth: 0.0208,
};

export interface FlowLogEstimateInput {
  nicCount: number;
  flowsPerHourPerNic: number;
  /** Undefined when Traffic Analytics is off. */
  trafficAnalyticsIntervalMinutes?: number;
  /** 0 keeps blobs forever. */
  retentionDays: number;
}

export interface FlowLogEstimateNumbers {
  gbPerMonth: number;
  collectionCost: number;
  trafficAnalyticsCost: number;
  /** GB held once retention is reached (forever: after 12 months). */
  storedGb: number;
  storageCost: number;
  total: number;
}

/** The monthly numbers behind the estimate: volume from NICs × flows/hour × tuple size, cost from list prices. */
export function estimateFlowLogNumbers(input: FlowLogEstimateInput): FlowLogEstimateNumbers {
  const bytes = input.nicCount * input.flowsPerHourPerNic * tuplesPerFlow * bytesPerTuple * hoursPerMonth;
  const gbPerMonth = bytes / 1024 ** 3;
  const collectionCost = Math.max(0, gbPerMonth - flowLogPrices.freeGbPerMonth) * flowLogPrices.collectionPerGb;
  const trafficAnalyticsCost = input.trafficAnalyticsIntervalMinutes === undefined ? 0 : gbPerMonth * (flowLogPrices.trafficAnalyticsPerGb[input.trafficAnalyticsIntervalMinutes] ?? flowLogPrices.trafficAnalyticsPerGb[60]);
  const storedGb = input.retentionDays === 0 ? gbPerMonth * 12 : (gbPerMonth * input.retentionDays) / (hoursPerMonth / 24);
  const storageCost = storedGb * flowLogPrices.storagePerGbMonth;
  return { gbPerMonth, collectionCost, trafficAnalyticsCost, storedGb, storageCost, total: collectionCost + trafficAnalyticsCost + storageCost };
}

function gb(value: number): string {
  return value < 10 ? value.toFixed(2) : value.toFixed(0);
}

function usd(value: number): string {
  return `$${value.toFixed(2)}`;
}

/** The plan's estimate: data volume and monthly cost, with every input it used. */
export function estimateFlowLogs(input: FlowLogEstimateInput): PlanEstimate {
  const numbers = estimateFlowLogNumbers(input);
  const interval = input.trafficAnalyticsIntervalMinutes;
  return {
    title: 'Flow-log volume and monthly cost',
    lines: [
      `About ${gb(numbers.gbPerMonth)} GB of flow logs per month.`,
      `Collection: ${usd(numbers.collectionCost)} per month (after the free ${flowLogPrices.freeGbPerMonth} GB).`,
      interval === undefined ? 'Traffic Analytics: off.' : `Traffic Analytics processing (${interval}-minute interval): ${usd(numbers.trafficAnalyticsCost)} per month.`,
      input.retentionDays === 0
        ? `Storage: kept forever, about ${gb(numbers.storedGb)} GB after a year: ${usd(numbers.storageCost)} per month by then.`
        : `Storage: about ${gb(numbers.storedGb)} GB held with ${input.retentionDays}-day retention: ${usd(numbers.storageCost)} per month.`,
      `Total: about ${usd(numbers.total)} per month.`,
    ],
    inputs: [
      `NICs covered: ${input.nicCount}`,
      `Flows per hour per NIC (assumed): ${input.flowsPerHourPerNic}`,
      `Bytes per flow: ${tuplesPerFlow} tuples × ${bytesPerTuple} bytes (measured on Microsoft's VNet flow log sample)`,
      `Hours per month: ${hoursPerMonth}`,
      `Flow logs collected: ${usd(flowLogPrices.collectionPerGb)}/GB, first ${flowLogPrices.freeGbPerMonth} GB free (list price, USD, ${flowLogPrices.asOf})`,
      `Traffic Analytics processing: ${usd(flowLogPrices.trafficAnalyticsPerGb[60])}/GB at 60 minutes, ${usd(flowLogPrices.trafficAnalyticsPerGb[10])}/GB at 10 minutes (list price, USD, ${flowLogPrices.asOf})`,
      `Blob storage (hot, LRS): $${flowLogPrices.storagePerGbMonth}/GB-month (list price, USD, ${flowLogPrices.asOf})`,
    ],
  };
}

/** NICs that share one flow log's settings: the part of a plan's estimate they add. */
export interface FlowLogEstimateGroup {
  nicCount: number;
  trafficAnalyticsIntervalMinutes?: number;
  retentionDays: number;
}

function retentionText(days: number): string {
  return days === 0 ? 'kept forever' : `${days}-day retention`;
}

/**
 * The estimate for NICs whose flow logs differ in retention or Traffic Analytics (a migration that
 * keeps an existing VNet flow log beside new ones): each group priced with its own settings, the
 * free collection allowance counted once. One group gives exactly `estimateFlowLogs`.
 */
export function estimateFlowLogGroups(groups: readonly FlowLogEstimateGroup[], flowsPerHourPerNic: number): PlanEstimate {
  const merged = new Map<string, FlowLogEstimateGroup>();
  for (const group of groups) {
    const key = `${group.retentionDays}|${group.trafficAnalyticsIntervalMinutes ?? 'off'}`;
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, nicCount: seen.nicCount + group.nicCount } : { ...group });
  }
  const parts = [...merged.values()].sort((a, b) => b.nicCount - a.nicCount);
  if (parts.length <= 1) {
    const only = parts[0] ?? { nicCount: 0, retentionDays: 0 };
    return estimateFlowLogs({ ...only, flowsPerHourPerNic });
  }
  const nicCount = parts.reduce((sum, part) => sum + part.nicCount, 0);
  const whole = estimateFlowLogNumbers({ nicCount, flowsPerHourPerNic, retentionDays: 0 });
  const numbers = parts.map((part) => ({ part, numbers: estimateFlowLogNumbers({ ...part, flowsPerHourPerNic }) }));
  const trafficAnalyticsCost = numbers.reduce((sum, item) => sum + item.numbers.trafficAnalyticsCost, 0);
  const storedGb = numbers.reduce((sum, item) => sum + item.numbers.storedGb, 0);
  const storageCost = numbers.reduce((sum, item) => sum + item.numbers.storageCost, 0);
  const nics = (count: number): string => `${count} NIC${count === 1 ? '' : 's'}`;
  const analytics = numbers.filter((item) => item.part.trafficAnalyticsIntervalMinutes !== undefined);
  const single = estimateFlowLogs({ nicCount, flowsPerHourPerNic, retentionDays: 0 });
  return {
    title: single.title,
    lines: [
      `About ${gb(whole.gbPerMonth)} GB of flow logs per month.`,
      `Collection: ${usd(whole.collectionCost)} per month (after the free ${flowLogPrices.freeGbPerMonth} GB).`,
      analytics.length === 0
        ? 'Traffic Analytics: off.'
        : `Traffic Analytics processing (${analytics.map((item) => `${item.part.trafficAnalyticsIntervalMinutes}-minute interval on ${nics(item.part.nicCount)}`).join(', ')}): ${usd(trafficAnalyticsCost)} per month.`,
      `Storage: about ${gb(storedGb)} GB held (${numbers.map((item) => `${retentionText(item.part.retentionDays)} on ${nics(item.part.nicCount)}`).join(', ')}): ${usd(storageCost)} per month${parts.some((part) => part.retentionDays === 0) ? ' (forever: after a year)' : ''}.`,
      `Total: about ${usd(whole.collectionCost + trafficAnalyticsCost + storageCost)} per month.`,
    ],
    inputs: [`NICs covered: ${nicCount} (${parts.map((part) => `${nics(part.nicCount)} with ${retentionText(part.retentionDays)}`).join(', ')})`, ...single.inputs.slice(1)],
  };
}
