/**
 * One plan from several: a monitoring set-up is a collector VM, a hub network, peerings, a TAP and
 * its tap configurations, each planned by its own builder. Combining keeps every part's checks,
 * warnings, estimates and remedies, renumbers the actions `a1`, `a2`, … in part order, and makes a
 * part's first actions wait for the parts it comes after (the TAP waits for the collector's NIC);
 * values one action takes from another (`bodyFrom`) follow the renumbering.
 * An action two parts both plan (the same resource, the same request) is sent once. Pure; no
 * `vscode` import here.
 */
import { serializeVirtualNetworkWrites, type Plan, type PlanAction, type PlanCheck, type PlanKind, type PlanRemedy } from '../../core/plan';

export interface PlanPart {
  /** Names the part in check ids (`collector:…`) so two parts' checks never collide. */
  key: string;
  plan: Plan;
  /**
   * Actions of earlier parts (by part key, and optionally by the resource id an action writes) that
   * must succeed before this part's actions with no dependency within this part start. Without
   * resource ids, every action of that part.
   */
  after?: { part: string; resourceIds?: string[] }[];
}

/** An action's identity for de-duplication: the request it sends. */
function requestKey(action: PlanAction): string {
  return `${action.kind} ${action.resourceId.toLowerCase()} ${action.operation ?? ''} ${JSON.stringify(action.query ?? {})} ${JSON.stringify(action.body ?? {})} ${JSON.stringify(action.bodyFrom ?? [])}`;
}

/** Combines `parts` into one plan of `kind`. */
export function combinePlans(kind: PlanKind, title: string, summary: string[], parts: readonly PlanPart[]): Plan {
  const actions: PlanAction[] = [];
  const checks: PlanCheck[] = [];
  const warnings: string[] = [];
  const remedies: PlanRemedy[] = [];
  const estimateLines: string[] = [];
  const estimateInputs: string[] = [];
  /** Per part key: its old action ids to the combined ones. */
  const renamed = new Map<string, Map<string, string>>();
  const byRequest = new Map<string, string>();
  const checkIds = new Set<string>();

  for (const part of parts) {
    const names = new Map<string, string>();
    renamed.set(part.key, names);
    const waitFor = (part.after ?? []).flatMap(({ part: earlier, resourceIds }) => {
      const earlierNames = renamed.get(earlier);
      if (earlierNames === undefined) {
        throw new Error(`Part ${part.key} comes after ${earlier}, which is not an earlier part.`);
      }
      const earlierPlan = parts.find((candidate) => candidate.key === earlier)?.plan;
      const wanted = resourceIds?.map((id) => id.toLowerCase());
      return (earlierPlan?.actions ?? [])
        .filter((action) => wanted === undefined || wanted.includes(action.resourceId.toLowerCase()))
        .map((action) => earlierNames.get(action.id) as string);
    });
    /** The combined ids of the actions this part adds (not those merged into an earlier part's). */
    const own = new Set<string>();
    for (const action of part.plan.actions) {
      const dependsOn = action.dependsOn.map((id) => {
        const mapped = names.get(id);
        if (mapped === undefined) {
          throw new Error(`Action ${action.id} of ${part.key} depends on ${id}, which is not an earlier action of that part.`);
        }
        return mapped;
      });
      const same = byRequest.get(requestKey(action));
      if (same !== undefined) {
        names.set(action.id, same);
        continue;
      }
      const id = `a${actions.length + 1}`;
      names.set(action.id, id);
      byRequest.set(requestKey(action), id);
      // A part's first actions wait for the earlier parts: those with no dependency of their own, and
      // those whose every dependency was merged into an earlier part's request (a shared resource
      // group), which would otherwise start before the parts they come after.
      const extra = dependsOn.some((dependency) => own.has(dependency)) ? [] : waitFor;
      own.add(id);
      const bodyFrom = action.bodyFrom?.map((reference) => ({ ...reference, fromAction: names.get(reference.fromAction) ?? reference.fromAction }));
      actions.push({ ...action, id, dependsOn: [...new Set([...dependsOn, ...extra])], ...(bodyFrom ? { bodyFrom } : {}) });
    }
    for (const check of part.plan.checks) {
      const id = checkIds.has(check.id) ? `${part.key}:${check.id}` : check.id;
      checkIds.add(id);
      checks.push({ ...check, id, ...(check.fixedBy ? { fixedBy: check.fixedBy.map((actionId) => names.get(actionId) ?? actionId) } : {}) });
    }
    warnings.push(...part.plan.warnings.filter((warning) => !warnings.includes(warning)));
    remedies.push(...(part.plan.remedies ?? []).map((remedy) => ({ ...remedy, id: `${part.key}:${remedy.id}` })));
    if (part.plan.estimate) {
      estimateLines.push(`${part.plan.estimate.title}:`, ...part.plan.estimate.lines.map((line) => `  ${line}`));
      estimateInputs.push(...part.plan.estimate.inputs);
    }
  }
  return {
    kind,
    title,
    summary,
    checks,
    warnings,
    actions: serializeVirtualNetworkWrites(actions),
    ...(estimateLines.length > 0 ? { estimate: { title: 'Estimates', lines: estimateLines, inputs: estimateInputs } } : {}),
    ...(remedies.length > 0 ? { remedies } : {}),
  };
}
