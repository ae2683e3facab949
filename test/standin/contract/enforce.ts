import { ArmError } from '../armErrors';
import type { ApiFamily } from '../apiVersions';
import type { Reply } from '../http';
import type { RouteContract } from './contracts';
import { describeRef, type DefinitionRef } from './definitions';
import { validateDocument, type Violation } from './validate';

/**
 * Refuses a request body its definition does not allow, as the resource provider would: the
 * network provider answers 400 `InvalidRequestFormat` ("Cannot parse the request.") with one
 * detail per problem; Compute, Storage and Resource Manager itself answer 400
 * `InvalidRequestContent` with JSON.NET's deserialization message; Resource Graph answers
 * `BadRequest` with `InvalidQuery` in the details, as it does for a query it cannot parse. Every
 * message names the property path.
 */
export function rejectInvalidBody(family: ApiFamily, body: unknown, definition: DefinitionRef): void {
  const violations = validateDocument(body, definition, 'request');
  if (violations.length === 0) {
    return;
  }
  const details = violations.map((violation) => ({ code: 'InvalidJson', message: violation.message, target: violation.path }));
  if (family === 'resourcegraph') {
    // Resource Graph's own shape: BadRequest, then InvalidQuery and the reason in the details.
    throw new ArmError(400, 'BadRequest', 'Please provide below info when asking for support: timestamp, correlationId.', {
      details: [
        { code: 'InvalidQuery', message: 'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.' },
        ...violations.map((violation) => ({ code: 'InvalidRequestContent', message: violation.message })),
      ],
    });
  }
  if (family === 'network') {
    throw new ArmError(400, 'InvalidRequestFormat', `Cannot parse the request. ${violations.map((violation) => violation.message).join(' ')}`, { details });
  }
  throw new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${violations[0].message}'.`, { details });
}

/**
 * A success answer whose body its definition does not allow is the stand-in's own mistake (Azure
 * would not send it): it becomes a 500 naming every violation, so the test that met it fails there.
 */
export function checkedReply(reply: Reply, contract: RouteContract | undefined, label: string): Reply {
  const definition = contract?.responses[reply.status];
  if (!definition || reply.body === undefined) {
    return reply;
  }
  const violations = validateDocument(reply.body, definition, 'response');
  if (violations.length === 0) {
    return reply;
  }
  return { status: 500, body: { error: { code: 'StandInResponseInvalid', message: responseMessage(label, definition, violations) } } };
}

export function responseMessage(label: string, definition: DefinitionRef, violations: Violation[]): string {
  const listed = violations.slice(0, 10).map((violation) => `${violation.kind} at '${violation.path}': ${violation.message}`);
  const more = violations.length > 10 ? ` (and ${violations.length - 10} more)` : '';
  return `The stand-in's answer to ${label} does not match ${describeRef(definition)}: ${listed.join(' | ')}${more}`;
}
