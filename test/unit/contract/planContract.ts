/**
 * Holds a plan to the stand-in's contract: every action has a route, goes at the one api-version
 * the stand-in accepts for that family, and every body it writes (and every body its Undo writes)
 * is one the vendored REST definition of that api-version accepts; the Azure CLI script and the
 * Bicep file state the same api-versions. Returns what is wrong, one line each.
 */
import { toAzureCliScript } from '../../../src/wizards/shared/cliScript';
import { toBicep } from '../../../src/wizards/shared/bicep';
import { fillReferences, referenceProblems, type Plan, type PlanAction } from '../../../src/core/plan';
import { apiVersions } from '../../standin/apiVersions';
import { contractFor } from '../../standin/contract/contracts';
import { describeRef } from '../../standin/contract/definitions';
import { validateDocument } from '../../standin/contract/validate';
import { Router, type Route } from '../../standin/http';
import { standInRoutes } from '../../standin/server';

const router = new Router();
router.add(standInRoutes());

const methods = { put: 'PUT', delete: 'DELETE', post: 'POST' } as const;

/** The request path an action is sent to: the resource id, and for a post its operation after it. */
export function requestPath(action: PlanAction): string {
  return action.kind === 'post' ? `${action.resourceId}/${action.operation ?? ''}` : action.resourceId;
}

/** The stand-in route that answers the action, or why there is none. */
export function routeOf(action: PlanAction): Route | string {
  const method = methods[action.kind];
  const matched = router.match(method, requestPath(action));
  if (matched === undefined) {
    return `no stand-in route for ${method} ${requestPath(action)}`;
  }
  if ('methodMismatch' in matched) {
    return `the stand-in answers ${requestPath(action)} but not with ${method}`;
  }
  return matched.route;
}

/** `key=value` of every body an action may write: its own, and its Undo's. */
function bodiesOf(action: PlanAction): Array<{ label: string; body: Record<string, unknown> }> {
  const bodies: Array<{ label: string; body: Record<string, unknown> }> = [];
  if (action.kind === 'put') {
    // A value taken from an earlier action is filled in at Apply; its place holds a string here.
    bodies.push({ label: 'body', body: fillReferences(action, (reference) => `<${reference.describe}>`) });
  }
  if (action.undo?.kind === 'put') {
    bodies.push({ label: 'undo body', body: action.undo.body });
  }
  return bodies;
}

/** Route, api-version and request-body problems of one action. */
export function actionProblems(action: PlanAction): string[] {
  const where = `${action.id} ${action.kind} ${action.resourceType} (${action.title})`;
  const route = routeOf(action);
  if (typeof route === 'string') {
    return [`${where}: ${route}`];
  }
  const problems: string[] = [];
  if (!action.resourceType.toLowerCase().endsWith(`/${route.resourceType.toLowerCase()}`)) {
    problems.push(`${where}: the stand-in answers ${route.method} ${route.template} for ${route.resourceType}, not ${action.resourceType}`);
  }
  const accepted: readonly string[] = apiVersions[route.family];
  if (!accepted.includes(action.apiVersion)) {
    problems.push(`${where}: api-version ${action.apiVersion} is not the one the stand-in accepts for ${route.family} (${accepted.join(', ')})`);
  }
  const contract = contractFor(route.family, action.apiVersion, route.method, route.template);
  if (contract === undefined) {
    problems.push(`${where}: no vendored ${route.family} ${action.apiVersion} operation for ${route.method} ${route.template}`);
    return problems;
  }
  for (const { label, body } of bodiesOf(action)) {
    // The Undo of a delete puts the resource back: the PUT route of the same id.
    const putRoute = action.kind === 'put' ? route : routeOf({ ...action, kind: 'put' });
    if (typeof putRoute === 'string') {
      problems.push(`${where}: ${label}: ${putRoute}`);
      continue;
    }
    const putContract = putRoute === route ? contract : contractFor(putRoute.family, action.apiVersion, 'PUT', putRoute.template);
    if (putContract?.request === undefined) {
      problems.push(`${where}: ${label}: the definitions declare no request body for PUT ${putRoute.template}`);
      continue;
    }
    for (const violation of validateDocument(body, putContract.request, 'request')) {
      problems.push(`${where}: ${label} refused by ${describeRef(putContract.request)}: ${violation.kind} at '${violation.path}': ${violation.message}`);
    }
  }
  return problems;
}

/** The CLI script's lines for each action (`# 3. Title` up to the next blank line). */
function scriptSections(script: string): Map<number, string> {
  const sections = new Map<number, string>();
  for (const block of script.split('\n\n')) {
    const number = /^# (\d+)\. /.exec(block)?.[1];
    if (number !== undefined) {
      sections.set(Number(number), block);
    }
  }
  return sections;
}

/** What the exporters made of a plan: the Azure CLI script and the Bicep files, joined. */
export interface Exports {
  script: string;
  bicep: string;
}

export function exportsOf(plan: Plan): Exports {
  return { script: toAzureCliScript(plan), bicep: toBicep(plan).files.map((file) => file.content).join('\n') };
}

/** Every action sent states its api-version in the CLI script; every Bicep resource is declared at the plan's one. */
export function exportProblems(plan: Plan, exported: Exports = exportsOf(plan)): string[] {
  const problems: string[] = [];
  const sections = scriptSections(exported.script);
  plan.actions.forEach((action, index) => {
    if (action.existing === 'same') {
      return;
    }
    const section = sections.get(index + 1) ?? '';
    const stated = [...section.matchAll(/api-version=([0-9a-z-]+)/gi)].map((match) => match[1]);
    if (!stated.includes(action.apiVersion) || stated.some((version) => version !== action.apiVersion)) {
      problems.push(`${action.id} ${action.resourceType}: the CLI script states api-version ${stated.join(', ') || '(none)'}, the plan ${action.apiVersion}`);
    }
  });
  const declared = [...exported.bicep.matchAll(/'([A-Za-z.]+\/[A-Za-z/]+)@([0-9a-z-]+)'/g)].map((match) => ({ type: match[1].toLowerCase(), version: match[2] }));
  const planned = new Map<string, string>();
  for (const action of plan.actions) {
    planned.set(action.resourceType.toLowerCase(), action.apiVersion);
  }
  for (const action of plan.actions) {
    if (action.kind !== 'put' || action.existing === 'same' || action.query !== undefined) {
      continue;
    }
    if (!declared.some((entry) => entry.type === action.resourceType.toLowerCase() && entry.version === action.apiVersion)) {
      problems.push(`${action.id} ${action.resourceType}: Bicep does not declare it @${action.apiVersion}`);
    }
  }
  for (const entry of declared) {
    const version = planned.get(entry.type);
    if (version !== undefined && version !== entry.version) {
      problems.push(`Bicep declares ${entry.type}@${entry.version}, the plan ${version}`);
    }
  }
  return problems;
}

/** Everything wrong with a plan: its actions, then its exports. */
export function planProblems(plan: Plan): string[] {
  return [...referenceProblems(plan).map((problem) => `${problem.actionId}: ${problem.message}`), ...plan.actions.flatMap(actionProblems), ...exportProblems(plan)];
}
