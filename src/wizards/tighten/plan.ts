/**
 * The plan of "Tighten NSG from Traffic…": one PUT of the NSG with the proposed rules in place of
 * its custom rules (Azure keeps its default rules), whose undo PUTs the rules it had before, as
 * read. The simulation over every observed flow comes first in the review, as checks. Pure: no
 * `vscode`, no Azure calls.
 */
import type { ObservedFlow } from '../../core/observedFlow';
import { describeFlow } from '../../core/observedFlow';
import type { Plan, PlanCheck } from '../../core/plan';
import { ActionList } from '../shared/actionList';
import { networkApiVersion } from '../shared/apiVersions';
import { ruleFromArm, ruleToArm, type NsgRule } from './nsgEvaluator';
import { acceptedRules, proposeRules, simulate, type ProposedRule, type SimulatedFlow, type Simulation, type TightenProposal, type TightenScope } from './ruleSynthesis';
import type { RawResource, TightenAnswers, TightenFacts } from './tightenFacts';

/** Properties of an NSG that Azure computes and a PUT leaves out (readOnly in the REST definition). */
const readOnlyNsgProperties = new Set(['provisioningState', 'resourceGuid', 'defaultSecurityRules', 'networkInterfaces', 'subnets', 'flowLogs', 'securityRules']);

/** A rule as ARM returned it, ready to send back: name and properties, without what Azure computes. */
export interface RuleBody {
  name: string;
  properties: Record<string, unknown>;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The NSG's custom rules as read, each as a body a PUT accepts. */
export function currentRuleBodies(raw: RawResource): RuleBody[] {
  const rules = Array.isArray(raw.properties.securityRules) ? (raw.properties.securityRules as Array<Record<string, unknown>>) : [];
  return rules.map((rule) => {
    const properties = { ...((rule.properties as Record<string, unknown> | undefined) ?? {}) };
    delete properties.provisioningState;
    return { name: String(rule.name ?? ''), properties };
  });
}

/** The NSG's custom rules as the evaluator reads them. */
export function currentRules(raw: RawResource): NsgRule[] {
  return currentRuleBodies(raw).map(ruleFromArm);
}

/** A PUT body for the NSG with `rules` as its custom rules; location, tags and its other settings as read. */
export function nsgBody(raw: RawResource, rules: readonly RuleBody[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw.properties)) {
    if (!readOnlyNsgProperties.has(key)) {
      properties[key] = value;
    }
  }
  return { location: raw.location, ...(raw.tags ? { tags: raw.tags } : {}), properties: { ...properties, securityRules: rules.map((rule) => ({ name: rule.name, properties: rule.properties })) } };
}

/** The scope the synthesis reads: the NSG's rules as read now, its interfaces, the flows. */
export function tightenScope(facts: TightenFacts, flows: ObservedFlow[]): TightenScope {
  return { nsg: { id: facts.nsg.id, name: facts.nsg.name, rules: currentRules(facts.raw) }, interfaces: facts.interfaces, flows };
}

/** The proposal for the answers (all proposed allows, before the user drops any). */
export function proposalFor(answers: Pick<TightenAnswers, 'granularity' | 'explicitDeny'>, facts: TightenFacts, flows: ObservedFlow[]): TightenProposal {
  return proposeRules(tightenScope(facts, flows), { granularity: answers.granularity, explicitDeny: answers.explicitDeny, subnetPrefixes: facts.subnetPrefixes, vnetPrefixes: facts.vnetPrefixes });
}

/** The bodies to send: a new rule from the proposal; a kept rule from its body as read, with its new priority. */
function proposedBodies(rules: readonly NsgRule[], proposal: TightenProposal, before: readonly RuleBody[]): RuleBody[] {
  return rules.map((rule) => {
    const proposed = proposal.rules.find((candidate) => candidate.rule.name === rule.name);
    const old = proposed?.origin === 'kept' ? before.find((body) => body.name.toLowerCase() === rule.name.toLowerCase()) : undefined;
    return old === undefined ? ruleToArm(rule) : { name: old.name, properties: { ...old.properties, priority: rule.priority } };
  });
}

const listed = 8;

function flowList(flows: readonly SimulatedFlow[]): string {
  const shown = [...flows].sort((a, b) => b.flow.count - a.flow.count).slice(0, listed);
  const text = shown.map((simulated) => {
    const decided = simulated.after.steps.at(-1);
    return `${describeFlow(simulated.flow)} at ${simulated.nic}${decided === undefined ? '' : ` → ${decided.verdict.rule.name}`}`;
  });
  return `${text.join('; ')}${flows.length > listed ? `; and ${flows.length - listed} more` : ''}`;
}

function tuples(flows: readonly SimulatedFlow[]): number {
  return flows.reduce((sum, simulated) => sum + simulated.flow.count, 0);
}

/** The simulation as the review's checks: flows that become denied, stay denied, become allowed, and whether today's rules explain the logs. */
export function simulationChecks(simulation: Simulation): PlanCheck[] {
  const total = simulation.becomeDenied.length + simulation.stayDenied.length + simulation.becomeAllowed.length + simulation.stayAllowed.length;
  const checks: PlanCheck[] = [
    {
      id: 'tighten.becomeDenied',
      title: 'Allowed flows that would become denied',
      status: simulation.becomeDenied.length === 0 ? 'passed' : 'warning',
      detail:
        simulation.becomeDenied.length === 0
          ? `None: all ${plural(simulation.stayAllowed.length, 'allowed flow')} of the ${plural(total, 'observed flow')} stay allowed with the proposed rules.`
          : `${plural(simulation.becomeDenied.length, 'flow')} (${plural(tuples(simulation.becomeDenied), 'tuple')}) seen allowed would be denied: ${flowList(simulation.becomeDenied)}.`,
    },
    {
      id: 'tighten.stayDenied',
      title: 'Denied flows that stay denied',
      status: 'passed',
      detail: simulation.stayDenied.length === 0 ? 'No denied flows were observed.' : `${plural(simulation.stayDenied.length, 'flow')} (${plural(tuples(simulation.stayDenied), 'tuple')}): ${flowList(simulation.stayDenied)}.`,
    },
  ];
  if (simulation.becomeAllowed.length > 0) {
    checks.push({
      id: 'tighten.becomeAllowed',
      title: 'Denied flows that would become allowed',
      status: 'warning',
      detail: `${plural(simulation.becomeAllowed.length, 'flow')} seen denied would be allowed, because prefixes were widened: ${flowList(simulation.becomeAllowed)}. Pick a finer granularity to keep them denied.`,
    });
  }
  if (simulation.disagree.length > 0) {
    checks.push({
      id: 'tighten.disagree',
      title: 'Logged decisions the current rules do not explain',
      status: 'warning',
      detail: `For ${plural(simulation.disagree.length, 'flow')} the rules as they are now give another decision than the one logged (the rules changed during the window, or a rule names addresses not known here): ${flowList(simulation.disagree)}.`,
    });
  }
  return checks;
}

function describeRule(proposed: ProposedRule): string {
  const rule = proposed.rule;
  const ports = rule.destinationPortRanges.join(', ');
  const what = `${rule.name} (${rule.priority}, ${rule.direction.toLowerCase()} ${rule.access.toLowerCase()} ${rule.protocol} ${rule.sourceAddressPrefixes.join(', ')} → ${rule.destinationAddressPrefixes.join(', ')}${ports === '*' ? '' : ` port ${ports}`})`;
  switch (proposed.origin) {
    case 'allow':
      return `${what}: ${plural(proposed.flows, 'flow')}, ${plural(proposed.count, 'tuple')}`;
    case 'kept':
      return `${what}: kept from the NSG`;
    case 'deny':
      return `${what}: the explicit deny`;
  }
}

/**
 * The plan for the answers: the proposal with the allows the user kept, simulated over every flow,
 * and one PUT of the NSG whose undo restores the rules read before.
 */
export function planTightenNsg(answers: TightenAnswers, facts: TightenFacts, flows: ObservedFlow[]): Plan {
  const scope = tightenScope(facts, flows);
  const proposal = proposalFor(answers, facts, flows);
  const accepted = new Set(answers.acceptedRules ?? proposal.rules.filter((proposed) => proposed.origin === 'allow').map((proposed) => proposed.rule.name));
  const rules = acceptedRules(proposal, accepted);
  const simulation = simulate(scope, rules);
  const before = currentRuleBodies(facts.raw);
  const after = proposedBodies(rules, proposal, before);
  const kept = rules.map((rule) => ({ ...proposal.rules.find((proposed) => proposed.rule.name === rule.name && proposed.rule.direction === rule.direction)!, rule }));
  const dropped = proposal.rules.filter((proposed) => proposed.origin === 'allow' && !accepted.has(proposed.rule.name));

  const checks: PlanCheck[] = [...simulationChecks(simulation)];
  if (flows.length === 0) {
    checks.unshift({ id: 'tighten.flows', title: 'Observed flows', status: 'failed', detail: `No flows were logged for ${facts.nsg.name} between ${new Date(facts.from).toISOString()} and ${new Date(facts.to).toISOString()} (${facts.source}). Pick a longer window, or turn flow logs on first.` });
  }

  const list = new ActionList();
  list.add({
    kind: 'put',
    title: `Replace the ${plural(before.length, 'security rule')} of ${facts.nsg.name} with ${plural(after.length, 'rule')} from observed traffic`,
    resourceId: facts.nsg.armId,
    resourceType: 'Microsoft.Network/networkSecurityGroups',
    apiVersion: networkApiVersion,
    body: nsgBody(facts.raw, after),
    dependsOn: [],
    tenantId: facts.nsg.tenantId,
    existing: 'differs',
    undo: { kind: 'put', body: nsgBody(facts.raw, before) },
    impact: `Traffic through ${facts.nsg.name} that the new rules do not allow is dropped as soon as Azure applies them; existing connections may be reset.`,
  });

  const warnings: string[] = [...proposal.notes];
  if (simulation.becomeDenied.length > 0) {
    warnings.push(`${plural(simulation.becomeDenied.length, 'flow')} seen allowed would be denied (listed under Checks).`);
  }
  warnings.push('Traffic not seen in the window (a monthly job, a failover path, a rarely used admin port) is not in the proposal: it is denied once these rules apply. Undo restores the previous rules.');

  const window = `${new Date(facts.from).toISOString().slice(0, 16)}Z – ${new Date(facts.to).toISOString().slice(0, 16)}Z`;
  return {
    kind: 'tightenNsg',
    title: `Tighten ${facts.nsg.name} from observed traffic`,
    summary: [
      `From ${plural(flows.length, 'observed flow')} (${facts.source}, ${window}), ${facts.nsg.name} gets ${plural(after.length, 'custom rule')} in place of ${before.length}; Azure's default rules stay.`,
      ...kept.map((proposed) => `Rule ${describeRule(proposed)}.`),
      ...(dropped.length > 0 ? [`Proposed but not kept: ${dropped.map((proposed) => proposed.rule.name).join(', ')}.`] : []),
      ...(proposal.neverHit.length > 0 ? [`Never hit in the window: ${proposal.neverHit.map((rule) => `${rule.name} (${rule.priority}, ${rule.direction.toLowerCase()} ${rule.access.toLowerCase()})`).join(', ')}; allow rules among them are not carried over, deny rules are kept.`] : ['Every current rule was hit in the window.']),
      ...(proposal.broad.length > 0 ? [`Broad rules that carried traffic: ${proposal.broad.map((used) => `${used.rule.name} (${used.reasons.join('; ')}; ${plural(used.count, 'tuple')})`).join(', ')}.`] : []),
    ],
    checks,
    warnings,
    actions: list.actions,
  };
}
