import { ArmError } from '../armErrors';
import type { Route } from '../http';
import { requireSubscription } from './common';
import { networkSubscriptionPath } from './paths';

const base = { family: 'network', resourceType: 'locations/operations', namespace: 'Microsoft.Network' } as const;

function unknownOperation(id: string): ArmError {
  return new ArmError(404, 'NotFound', `Operation ${id} was not found.`);
}

export const networkOperationRoutes: Route[] = [
  {
    ...base,
    method: 'GET',
    template: `${networkSubscriptionPath}/locations/{location}/operations/{operationId}`,
    handle: (context) => {
      requireSubscription(context);
      const operation = context.core.operations.poll(context.params.operationId);
      if (!operation) {
        throw unknownOperation(context.params.operationId);
      }
      const body: Record<string, unknown> = { status: operation.status };
      if (operation.status === 'Failed' && operation.failure) {
        body.error = { code: operation.failure.code, message: operation.failure.message, details: [] };
      }
      return { status: 200, body };
    },
  },
  {
    ...base,
    method: 'GET',
    template: `${networkSubscriptionPath}/locations/{location}/operationResults/{operationId}`,
    resourceType: 'locations/operationResults',
    handle: (context) => {
      requireSubscription(context);
      const operation = context.core.operations.poll(context.params.operationId);
      if (!operation) {
        throw unknownOperation(context.params.operationId);
      }
      if (operation.status === 'InProgress') {
        return { status: 202, headers: { Location: `${context.core.baseUrl}${context.path}?api-version=${context.apiVersion}` } };
      }
      if (operation.status === 'Failed' && operation.failure) {
        throw new ArmError(operation.failure.code === 'InternalServerError' ? 500 : 400, operation.failure.code, operation.failure.message, { details: [] });
      }
      return operation.result ? { status: 200, body: operation.result() } : { status: 204 };
    },
  },
];
