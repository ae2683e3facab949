import type { Plan, PlanAction, PlanCheck } from '../../../../src/core/plan';

export const subscriptionId = '11111111-2222-3333-4444-555555555555';
const network = `/subscriptions/${subscriptionId}/resourceGroups/rg-net/providers/Microsoft.Network`;

/** A security rule PUT on `nsg-web`; each test sets only what it checks. */
export function action(fields: Partial<PlanAction> = {}): PlanAction {
  const id = fields.id ?? 'a1';
  return {
    id,
    kind: 'put',
    title: `Create security rule rule-${id} on nsg-web`,
    resourceId: `${network}/networkSecurityGroups/nsg-web/securityRules/rule-${id}`,
    resourceType: 'Microsoft.Network/networkSecurityGroups/securityRules',
    apiVersion: '2026-01-01',
    body: { properties: { priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp' } },
    dependsOn: [],
    tenantId: 'tenant-1',
    existing: 'absent',
    ...fields,
  };
}

export function check(fields: Partial<PlanCheck> = {}): PlanCheck {
  return { id: 'c1', title: 'NSG exists', status: 'passed', detail: 'nsg-web is in germanywestcentral', ...fields };
}

export function plan(fields: Partial<Plan> = {}): Plan {
  return {
    kind: 'flowLogs',
    title: 'Allow HTTPS on nsg-web',
    summary: ['Adds one inbound rule.'],
    checks: [check()],
    warnings: [],
    actions: [action()],
    ...fields,
  };
}
