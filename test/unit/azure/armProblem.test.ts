import assert from 'node:assert/strict';
import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import { describeProblem, problemLogLine, redactUrl, toArmProblem } from '../../../src/azure/armProblem';

function restError(status: number, body: unknown, headers: Record<string, string> = {}, code?: string): RestError {
  const request = createPipelineRequest({ url: 'https://management.azure.com/subscriptions/s1/providers/Microsoft.Network/virtualNetworks?api-version=2026-01-01&sig=SECRET' });
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new RestError(`status ${status}`, {
    statusCode: status,
    code,
    request,
    response: { status, headers: createHttpHeaders(headers), request, bodyAsText: text },
  });
}

describe('toArmProblem', () => {
  it('reads ARM\'s code, message, target and correlation id from a 403', () => {
    const problem = toArmProblem(
      restError(403, { error: { code: 'AuthorizationFailed', message: "The client 'x' does not have authorization to perform action 'Microsoft.Network/virtualNetworks/read'.", target: 'scope' } }, { 'x-ms-correlation-request-id': 'c0ffee' }),
    );
    assert.equal(problem.code, 'AuthorizationFailed');
    assert.equal(problem.status, 403);
    assert.equal(problem.target, 'scope');
    assert.equal(problem.correlationId, 'c0ffee');
    assert.match(problem.message, /does not have authorization/);
  });

  it('keeps only api-version of the URL, so no SAS or other secret reaches the log', () => {
    const problem = toArmProblem(restError(404, { error: { code: 'ResourceGroupNotFound', message: "Resource group 'rg' could not be found." } }));
    assert.equal(problem.url, 'https://management.azure.com/subscriptions/s1/providers/Microsoft.Network/virtualNetworks?api-version=2026-01-01');
    assert.doesNotMatch(problemLogLine('Listing', problem), /SECRET/);
    assert.equal(redactUrl('https://a.blob.core.windows.net/c/b?sv=1&sig=abc'), 'https://a.blob.core.windows.net/c/b');
  });

  it('says which etags did not match on a 412, and what to do', () => {
    const detail = 'Etag provided in if-match header W/"a" does not match etag W/"b" of resource /subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-1.';
    const problem = toArmProblem(restError(412, { error: { code: 'PreconditionFailed', message: 'Precondition failed.', details: [{ code: 'PreconditionFailedEtagMismatch', message: detail }] } }));
    assert.deepEqual([problem.code, problem.status], ['PreconditionFailed', 412]);
    assert.equal(problem.message, `${detail} The resource changed since it was read: refresh the view and try again.`);
    assert.equal(describeProblem(problem), `PreconditionFailed: ${detail} The resource changed since it was read: refresh the view and try again. (412)`);
  });

  it('maps 401, 429 and 500 with their ARM codes, and falls back to the status when the body has none', () => {
    assert.equal(toArmProblem(restError(401, { error: { code: 'ExpiredAuthenticationToken', message: 'expired' } })).code, 'ExpiredAuthenticationToken');
    const throttled = toArmProblem(restError(429, { error: { code: 'SubscriptionRequestsThrottled', message: 'Number of read requests exceeded' } }, { 'retry-after': '5' }));
    assert.deepEqual([throttled.code, throttled.status], ['SubscriptionRequestsThrottled', 429]);
    assert.equal(toArmProblem(restError(500, '<html>oops</html>')).code, 'InternalServerError');
    assert.equal(toArmProblem(restError(404, '')).code, 'NotFound');
    assert.equal(toArmProblem(restError(403, 'not json')).code, 'AuthorizationFailed');
  });

  it('reads the code and message of a failed long-running operation from its plain Error', () => {
    const problem = toArmProblem(new Error('The long-running operation has failed. VnetAddressSpacesOverlap. Cannot create or update peering because address spaces overlap.'));
    assert.equal(problem.code, 'VnetAddressSpacesOverlap');
    assert.equal(problem.message, 'Cannot create or update peering because address spaces overlap.');
    assert.equal(toArmProblem(new Error('The long-running operation has failed')).code, 'OperationFailed');
  });

  it('turns connection and certificate failures into advice instead of a stack trace', () => {
    const refused = new RestError('connect ECONNREFUSED 127.0.0.1:9', { code: 'ECONNREFUSED', request: createPipelineRequest({ url: 'https://127.0.0.1:9/subscriptions?api-version=2022-12-01' }) });
    const network = toArmProblem(refused);
    assert.equal(network.code, 'NetworkError');
    assert.match(network.message, /Couldn't reach 127\.0\.0\.1:9/);
    const untrusted = toArmProblem(new RestError('self-signed certificate in certificate chain', { code: 'SELF_SIGNED_CERT_IN_CHAIN' }));
    assert.equal(untrusted.code, 'CertificateNotTrusted');
    assert.match(untrusted.message, /NODE_EXTRA_CA_CERTS/);
  });

  it('recognises a cancel and passes a mapped problem through unchanged', () => {
    const abort = new Error('The operation was aborted.');
    abort.name = 'AbortError';
    assert.equal(toArmProblem(abort).code, 'Cancelled');
    const mapped = { code: 'X', message: 'y' };
    assert.equal(toArmProblem(mapped), mapped);
    assert.equal(describeProblem({ code: 'AuthorizationFailed', message: 'No access.', status: 403 }), 'AuthorizationFailed: No access. (403)');
  });
});
