/** An error answered the way Azure Resource Manager answers it: status plus `{ error: { code, message } }`. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { target?: string; details?: unknown[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }

  body(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.extra.target !== undefined) {
      error.target = this.extra.target;
    }
    if (this.extra.details !== undefined) {
      error.details = this.extra.details;
    }
    return { error };
  }
}

export function subscriptionNotFound(subscriptionId: string): ArmError {
  return new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
}

export function resourceGroupNotFound(resourceGroupName: string): ArmError {
  return new ArmError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroupName}' could not be found.`);
}

/** A missing top-level resource: ARM itself answers, before any resource provider sees the request. */
export function resourceNotFound(type: string, name: string, resourceGroupName: string): ArmError {
  return new ArmError(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}' under resource group '${resourceGroupName}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/** A missing child resource (subnet, peering, rule, flow log…): the network resource provider answers. */
export function childNotFound(id: string): ArmError {
  return new ArmError(404, 'NotFound', `Resource ${id} not found.`, { details: [] });
}

export function missingSubscriptionRegistration(namespace: string): ArmError {
  const message = `The subscription is not registered to use namespace '${namespace}'. See https://aka.ms/rps-not-found for how to register subscriptions.`;
  return new ArmError(409, 'MissingSubscriptionRegistration', message, {
    details: [{ code: 'MissingSubscriptionRegistration', target: namespace, message }],
  });
}

export function invalidRequest(code: string, message: string): ArmError {
  return new ArmError(400, code, message, { details: [] });
}
