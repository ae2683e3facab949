/**
 * Option 3, flow logs with a collector, as one plan: VNet flow logs (with Traffic Analytics when
 * chosen) to a storage account, a collector VM (a new one, or one that exists), and the collector's
 * system-assigned managed identity granted Storage Blob Data Reader on that storage account, so the
 * collector reads the flow-log blobs with no key. The principal of a VM the plan creates is known
 * only once it exists: the grant takes it from the VM's action on Apply. Pure; no `vscode` import.
 *
 * Role: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/storage#storage-blob-data-reader
 * (read blob containers and data), scoped to the storage account, the narrowest scope that holds
 * the flow-log container `insights-logs-flowlogflowevent`.
 */
import { nameOf } from '../../azure/armIds';
import type { Plan, PlanCheck } from '../../core/plan';
import { roleAssignmentAction, storageBlobDataReaderRoleId, storageBlobDataReaderRoleName } from '../shared/roleAssignments';
import { combinePlans, type PlanPart } from './combinePlans';

/** The collector that reads the flow logs. */
export type FlowLogCollector =
  | { kind: 'new'; plan: Plan; vmArmId: string }
  /** `principalId` is undefined when the VM has no system-assigned identity. */
  | { kind: 'existing'; vmArmId: string; principalId?: string; tenantId: string };

export interface FlowLogSetUp {
  flowLogs: Plan;
  /** The storage account the flow logs write to (existing or created by `flowLogs`). */
  storageArmId: string;
  /** The tenant of the storage account's subscription. */
  storageTenantId: string;
  collector: FlowLogCollector;
  /** True when the grant (by its name, which the plan derives) is already there, from an earlier run. */
  grantExists?: boolean;
}

/** The option-3 plan: the flow logs, then the collector, then the grant. */
export function planFlowLogSetUp(setUp: FlowLogSetUp): Plan {
  const parts: PlanPart[] = [{ key: 'flowLogs', plan: setUp.flowLogs }];
  if (setUp.collector.kind === 'new') {
    parts.push({ key: 'collector', plan: setUp.collector.plan });
  }
  const vmName = nameOf(setUp.collector.vmArmId);
  const storageName = nameOf(setUp.storageArmId);
  const summary = [
    ...setUp.flowLogs.summary,
    ...(setUp.collector.kind === 'new' ? setUp.collector.plan.summary : [`The collector is the existing VM ${vmName}.`]),
    `${vmName}'s managed identity gets ${storageBlobDataReaderRoleName} on ${storageName}, so the collector reads the flow-log blobs without an account key.`,
  ];
  const combined = combinePlans('monitoringSetUp', `Flow logs with a collector: ${vmName} reads ${storageName}`, summary, parts);
  const checks: PlanCheck[] = [...combined.checks];
  const storageAction = combined.actions.find((action) => action.resourceId.toLowerCase() === setUp.storageArmId.toLowerCase());
  const vmAction = combined.actions.find((action) => action.resourceId.toLowerCase() === setUp.collector.vmArmId.toLowerCase());
  const title = `Let ${vmName} read flow logs in ${storageName} (${storageBlobDataReaderRoleName} for its managed identity)`;
  const base = {
    id: `a${combined.actions.length + 1}`,
    scopeId: setUp.storageArmId,
    roleDefinitionGuid: storageBlobDataReaderRoleId,
    principalType: 'ServicePrincipal' as const,
    tenantId: setUp.storageTenantId,
    title,
    dependsOn: storageAction ? [storageAction.id] : [],
    existing: setUp.grantExists ? ('same' as const) : ('absent' as const),
    description: `Flow-log collector ${vmName} reads flow-log blobs (set up by Azure Traffic Lens)`,
  };
  const actions = [...combined.actions];
  if (setUp.collector.kind === 'new') {
    if (vmAction === undefined) {
      throw new Error(`The collector's plan has no action creating ${setUp.collector.vmArmId}.`);
    }
    actions.push(roleAssignmentAction({ ...base, principal: { fromAction: vmAction, property: 'identity.principalId', describe: `the principal of ${vmName}'s managed identity` } }));
  } else if (setUp.collector.principalId !== undefined) {
    actions.push(roleAssignmentAction({ ...base, principal: { principalId: setUp.collector.principalId } }));
  }
  checks.push(
    setUp.collector.kind === 'existing' && setUp.collector.principalId === undefined
      ? {
          id: 'setup.collectorIdentity',
          title: 'Collector has a managed identity',
          status: 'failed',
          detail: `${vmName} has no system-assigned managed identity, so no role can be granted to it. Turn it on (az vm identity assign --ids ${setUp.collector.vmArmId}) and run this again, or create a new collector.`,
        }
      : { id: 'setup.collectorIdentity', title: 'Collector has a managed identity', status: 'passed', detail: setUp.collector.kind === 'new' ? `${vmName} is created with a system-assigned identity.` : `${vmName}'s system-assigned identity ${setUp.collector.principalId}.` },
  );
  return { ...combined, checks, actions };
}
