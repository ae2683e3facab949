import { specificationRoot } from '../../standin/contract/definitions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Microsoft's official examples, vendored with the definitions (see test/fixtures/rest/README.md). */
export const examplesRoot = specificationRoot;

export interface Example {
  parameters: Record<string, unknown>;
  responses: Record<string, { body?: unknown; headers?: Record<string, string> }>;
}

export function loadExample(relativePath: string): Example {
  return JSON.parse(readFileSync(join(examplesRoot, relativePath), 'utf8')) as Example;
}

/**
 * Where `actual` lacks a property path of `expected` or holds another JSON type there.
 * Array items are compared index by index (the last actual item stands in for missing ones);
 * an empty actual array is accepted only when `allowEmptyArrays` is set.
 */
export function shapeDifferences(expected: unknown, actual: unknown, options: { allowEmptyArrays?: boolean } = {}, path = '$'): string[] {
  if (expected === null || expected === undefined) {
    return [];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      return [`${path}: expected an array, got ${describe(actual)}`];
    }
    if (expected.length === 0) {
      return [];
    }
    if (actual.length === 0) {
      return options.allowEmptyArrays ? [] : [`${path}: expected ${expected.length} item(s), got an empty array`];
    }
    return expected.flatMap((item, index) => shapeDifferences(item, actual[Math.min(index, actual.length - 1)], options, `${path}[${index}]`));
  }
  if (typeof expected === 'object') {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) {
      return [`${path}: expected an object, got ${describe(actual)}`];
    }
    return Object.entries(expected as Record<string, unknown>).flatMap(([key, value]) => {
      const present = Object.prototype.hasOwnProperty.call(actual, key);
      return present ? shapeDifferences(value, (actual as Record<string, unknown>)[key], options, `${path}.${key}`) : [`${path}.${key}: missing`];
    });
  }
  return typeof expected === typeof actual ? [] : [`${path}: expected a ${typeof expected}, got ${describe(actual)}`];
}

/** Leaf values of `expected` that differ in `actual` (same walk as `shapeDifferences`). */
export function valueDifferences(expected: unknown, actual: unknown, path = '$'): string[] {
  if (Array.isArray(expected)) {
    return expected.flatMap((item, index) => valueDifferences(item, Array.isArray(actual) ? actual[index] : undefined, `${path}[${index}]`));
  }
  if (expected && typeof expected === 'object') {
    return Object.entries(expected as Record<string, unknown>).flatMap(([key, value]) =>
      valueDifferences(value, actual && typeof actual === 'object' ? (actual as Record<string, unknown>)[key] : undefined, `${path}.${key}`));
  }
  return expected === actual ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

function describe(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
}

/** Fills `{name}` parts of a route template from an example's parameters (URL-encoded). */
export function examplePath(template: string, parameters: Record<string, unknown>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = parameters[name];
    if (typeof value !== 'string') {
      throw new Error(`Example has no string parameter '${name}' for ${template}`);
    }
    return encodeURIComponent(value);
  });
}

/** The example's request body: its one object-valued parameter. */
export function exampleBody(example: Example): Record<string, unknown> | undefined {
  return Object.values(example.parameters).find((value): value is Record<string, unknown> => value !== null && typeof value === 'object');
}
