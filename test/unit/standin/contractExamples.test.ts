import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { relativeToRoot, resolveRef, specificationRoot, type Schema } from '../../standin/contract/definitions';
import { validateDocument, type Violation } from '../../standin/contract/validate';

/**
 * The validator against Microsoft's own examples: every official example of a vendored operation
 * (request body and each response body) must pass, so the validator is not stricter than the
 * definitions; and documents with one mistake each must fail with the mistake's path.
 */

interface Operation {
  parameters?: Array<{ in?: string; name?: string; schema?: Schema; $ref?: string }>;
  responses?: Record<string, { schema?: Schema }>;
  'x-ms-examples'?: Record<string, { $ref: string }>;
}

function specFiles(folder: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'examples') {
        found.push(...specFiles(path));
      }
    } else if (name.endsWith('.json')) {
      found.push(path);
    }
  }
  return found;
}

function refOf(schema: Schema | undefined): string | undefined {
  if (!schema) {
    return undefined;
  }
  if (typeof schema.$ref === 'string') {
    return schema.$ref;
  }
  return undefined;
}

interface ExampleCase {
  title: string;
  document: unknown;
  file: string;
  reference: string;
  mode: 'request' | 'response';
}

function exampleCases(): ExampleCase[] {
  const cases: ExampleCase[] = [];
  for (const path of specFiles(specificationRoot)) {
    const spec = JSON.parse(readFileSync(path, 'utf8')) as { paths?: Record<string, Record<string, Operation>> };
    const file = relativeToRoot(path);
    for (const [template, methods] of Object.entries(spec.paths ?? {})) {
      for (const [method, operation] of Object.entries(methods)) {
        for (const [exampleName, example] of Object.entries(operation['x-ms-examples'] ?? {})) {
          const examplePath = join(dirname(path), example.$ref);
          if (!existsSync(examplePath)) {
            continue;
          }
          const content = JSON.parse(readFileSync(examplePath, 'utf8')) as { parameters?: Record<string, unknown>; responses?: Record<string, { body?: unknown }> };
          const bodyParameter = operation.parameters?.find((parameter) => parameter.in === 'body');
          const bodyRef = refOf(bodyParameter?.schema);
          if (bodyParameter?.name && bodyRef && content.parameters?.[bodyParameter.name] !== undefined) {
            cases.push({ title: `${method.toUpperCase()} ${template} «${exampleName}» request`, document: content.parameters[bodyParameter.name], file, reference: bodyRef, mode: 'request' });
          }
          for (const [status, response] of Object.entries(content.responses ?? {})) {
            const responseRef = refOf(operation.responses?.[status]?.schema);
            if (responseRef && response.body !== undefined) {
              cases.push({ title: `${method.toUpperCase()} ${template} «${exampleName}» ${status}`, document: response.body, file, reference: responseRef, mode: 'response' });
            }
          }
        }
      }
    }
  }
  return cases;
}

function validateCase(item: ExampleCase): Violation[] {
  return validateDocument(item.document, resolveRef(item.file, item.reference), item.mode);
}

/**
 * Mistakes in the official examples themselves, each checked against its definition: the examples
 * are data written by hand, the definitions are what the service's clients are generated from.
 */
const exampleDefects: Array<{ matches: (violation: Violation) => boolean; reason: string }> = [
  {
    matches: (violation) => violation.kind === 'enum' && violation.message.startsWith('Error converting value "Succeded"'),
    reason: 'The virtual network TAP and tap configuration examples spell provisioningState "Succeded"; the ProvisioningState enum (network.json) has "Succeeded".',
  },
];

describe('REST contract: the validator against the official examples', () => {
  const cases = exampleCases();

  it('finds examples of every vendored operation with a body', () => {
    assert.ok(cases.length > 40, `only ${cases.length} example documents found`);
  });

  for (const item of cases) {
    it(item.title, () => {
      // Request examples often echo read-only values a provider ignores; the stand-in refuses them
      // from the extension (see the stand-in README), but they do not make an example wrong.
      const violations = validateCase(item)
        .filter((violation) => !(item.mode === 'request' && violation.kind === 'readOnly'))
        .filter((violation) => !exampleDefects.some((defect) => defect.matches(violation)));
      assert.deepEqual(violations.map((violation) => violation.message), []);
    });
  }
});
