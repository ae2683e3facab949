import * as assert from 'node:assert/strict';
import { describePartialResult, describeQueryFailure, errorChain } from '../../../src/azure/logAnalyticsQueries';

describe('logAnalyticsQueries: failures and partial results in words', () => {
  const semantic = { code: 'BadArgumentError', message: 'The request had some invalid properties', innererror: { code: 'SemanticError', message: 'A semantic error occurred.', innererror: { code: 'SEM0100', message: "'where' operator: Failed to resolve scalar expression named 'Foo'" } } };

  it('names the innermost reason of a refused query', () => {
    assert.deepEqual(errorChain(semantic), ['The request had some invalid properties', 'A semantic error occurred.', "SEM0100: 'where' operator: Failed to resolve scalar expression named 'Foo'"]);
    const problem = describeQueryFailure({ statusCode: 400, details: { error: semantic } }, 'law-dev-uks');
    assert.equal(problem.message, "Log Analytics refused the query (BadArgumentError): A semantic error occurred. › SEM0100: 'where' operator: Failed to resolve scalar expression named 'Foo'. Edit the query and run it again.");
  });

  it('says what throttling, a timeout, a missing workspace and missing rights mean', () => {
    assert.match(describeQueryFailure({ statusCode: 429, details: { error: { code: 'ThrottledError', message: 'x' } } }, 'w').message, /throttled the query \(ThrottledError\) and was still throttling after 4 retries; it allows 200 queries per 30 seconds/);
    assert.match(describeQueryFailure({ statusCode: 504, details: { error: { code: 'GatewayTimeout', message: 'x' } } }, 'w').message, /did not finish within Log Analytics' limit of 10 minutes/);
    assert.match(describeQueryFailure({ statusCode: 404, details: { error: { code: 'WorkspaceNotFoundError', message: 'x' } } }, 'law-x').message, /no workspace law-x/);
    assert.match(describeQueryFailure({ statusCode: 403, details: { error: { code: 'InsufficientAccessError', message: 'denied' } } }, 'law-x').message, /Log Analytics Reader role/);
  });

  it('says a partial result is partial, with the rows that arrived and the limit they met', () => {
    const engine = { code: 'PartialError', message: 'There were some errors when processing your query.', details: [{ code: 'EngineError', message: 'Something went wrong processing your query on the server.' }] };
    assert.match(describePartialResult(engine, 500_000, 1000), /partial result \(There were some errors when processing your query\. › Something went wrong processing your query on the server\.\): 500,000 rows arrived\. It reached Log Analytics' limit of 500,000 rows per result\./);
    assert.match(describePartialResult(engine, 12, 64 * 1024 * 1024), /12 rows arrived\. It is near Log Analytics' limit of 64 MB per result\./);
  });
});
