import { definition, describeRef, loadSpecFile, resolveRef, type DefinitionRef, type Schema } from './definitions';

/**
 * Checks a JSON document against a Swagger 2.0 definition the way a resource provider deserializes
 * a request body, or the way a client reading the service's answer would see it.
 *
 * - `request`: an unknown property, a wrong JSON type, a missing required property, a value outside
 *   the enum (compared without case, as ARM's deserializers do), a number out of range, a string of
 *   the wrong format or length, and a read-only property sent are violations.
 * - `response`: the same, except read-only properties are expected, and an extensible enum
 *   (`modelAsString`) takes values it does not list, as clients generated from it do; a closed
 *   enum must match exactly. The stand-in must send only what the definitions say the service sends.
 *
 * `null` stands for "not set" (JSON.NET reads it so) except where a request requires the property.
 * An object schema without `properties` (e.g. a VM extension's `settings`) takes any members.
 */
export type ValidationMode = 'request' | 'response';

export type ViolationKind = 'unknownProperty' | 'type' | 'required' | 'enum' | 'readOnly' | 'range' | 'format' | 'missingDefinition';

export interface Violation {
  kind: ViolationKind;
  /** JSON.NET-style path, e.g. `properties.securityRules[0].priority`; empty for the document itself. */
  path: string;
  /** The definition whose member is at fault, e.g. `VirtualNetworkTapPropertiesFormat`. */
  typeName: string;
  message: string;
}

export function validateDocument(value: unknown, ref: DefinitionRef, mode: ValidationMode): Violation[] {
  const violations: Violation[] = [];
  const item = { $ref: `#/definitions/${ref.name}` };
  try {
    // An array document (`ref.array`) is checked as Swagger's inline `{ type: array, items }` schema.
    check(value, ref.array ? { type: 'array', items: item } : item, ref.file, '', ref.name, mode, violations, 0);
  } catch (error) {
    violations.push({ kind: 'missingDefinition', path: '', typeName: ref.name, message: (error as Error).message });
  }
  return violations;
}

interface Flat {
  properties: Map<string, { schema: Schema; file: string }>;
  required: Set<string>;
  additionalProperties?: { schema: Schema; file: string } | true;
  type?: string;
  discriminator?: string;
  hasStructure: boolean;
}

/** Merges a schema with its `allOf` parents (which may live in other files). */
function flatten(schema: Schema, file: string, seen = new Set<string>()): Flat {
  const flat: Flat = { properties: new Map(), required: new Set(), hasStructure: false };
  const merge = (part: Schema, partFile: string): void => {
    if (typeof part.$ref === 'string') {
      const ref = resolveRef(partFile, part.$ref);
      const key = describeRef(ref);
      if (seen.has(key)) {
        return;
      }
      seen.add(key);
      merge(definition(ref), ref.file);
      return;
    }
    for (const parent of (part.allOf as Schema[] | undefined) ?? []) {
      merge(parent, partFile);
    }
    if (typeof part.type === 'string') {
      flat.type = part.type;
    }
    if (typeof part.discriminator === 'string') {
      flat.discriminator = part.discriminator;
    }
    const properties = part.properties as Record<string, Schema> | undefined;
    if (properties) {
      flat.hasStructure = true;
      for (const [name, property] of Object.entries(properties)) {
        flat.properties.set(name, { schema: property, file: partFile });
      }
    }
    for (const name of (part.required as string[] | undefined) ?? []) {
      flat.required.add(name);
    }
    if (part.additionalProperties === true || (part.additionalProperties && typeof part.additionalProperties === 'object')) {
      flat.hasStructure = true;
      flat.additionalProperties = part.additionalProperties === true ? true : { schema: part.additionalProperties as Schema, file: partFile };
    }
  };
  merge(schema, file);
  return flat;
}

function jsonType(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  return typeof value;
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function check(value: unknown, schema: Schema, file: string, path: string, typeName: string, mode: ValidationMode, violations: Violation[], depth: number): void {
  if (depth > 64) {
    return;
  }
  if (typeof schema.$ref === 'string') {
    const ref = resolveRef(file, schema.$ref);
    const target = definition(ref);
    check(value, target, ref.file, path, ref.name, mode, violations, depth + 1);
    return;
  }
  if (value === null || value === undefined) {
    return;
  }
  const flat = flatten(schema, file);
  const type = flat.type ?? (flat.hasStructure ? 'object' : undefined);
  const actual = jsonType(value);
  const fail = (kind: ViolationKind, message: string, at = path): void => {
    violations.push({ kind, path: at, typeName, message });
  };
  switch (type) {
    case 'object': {
      if (actual !== 'object') {
        fail('type', `Expected an object for '${path || typeName}' (${typeName}), found ${actual} ${preview(value)}.`);
        return;
      }
      let effective = flat;
      let effectiveName = typeName;
      if (flat.discriminator) {
        const chosen = subtype(file, typeName, (value as Record<string, unknown>)[flat.discriminator]);
        if (chosen) {
          effective = flatten({ $ref: `#/definitions/${chosen}` }, file);
          effectiveName = chosen;
        }
      }
      const record = value as Record<string, unknown>;
      for (const [name, member] of Object.entries(record)) {
        const memberPath = join(path, name);
        const declared = effective.properties.get(name);
        if (declared) {
          if (mode === 'request' && isReadOnly(declared.schema, declared.file) && member !== null) {
            violations.push({ kind: 'readOnly', path: memberPath, typeName: effectiveName, message: `Property '${memberPath}' of ${effectiveName} is read-only and cannot be set in a request.` });
            continue;
          }
          check(member, declared.schema, declared.file, memberPath, effectiveName, mode, violations, depth + 1);
        } else if (effective.additionalProperties === true || (!effective.hasStructure && effective.additionalProperties === undefined)) {
          continue;
        } else if (effective.additionalProperties) {
          check(member, effective.additionalProperties.schema, effective.additionalProperties.file, memberPath, effectiveName, mode, violations, depth + 1);
        } else {
          violations.push({ kind: 'unknownProperty', path: memberPath, typeName: effectiveName, message: `Could not find member '${name}' on object of type '${effectiveName}'. Path '${memberPath}'.` });
        }
      }
      for (const name of effective.required) {
        if (record[name] === undefined || record[name] === null) {
          const declared = effective.properties.get(name);
          // A read-only required property is the service's to fill in, never the caller's.
          if (mode === 'request' && declared && isReadOnly(declared.schema, declared.file)) {
            continue;
          }
          violations.push({ kind: 'required', path: join(path, name), typeName: effectiveName, message: `Required property '${name}' not found in JSON. Path '${path}' (${effectiveName}).` });
        }
      }
      return;
    }
    case 'array': {
      if (actual !== 'array') {
        fail('type', `Expected an array for '${path}', found ${actual} ${preview(value)}.`);
        return;
      }
      const items = schema.items as Schema | undefined;
      if (items) {
        (value as unknown[]).forEach((item, index) => check(item, items, file, `${path}[${index}]`, typeName, mode, violations, depth + 1));
      }
      checkCount(value as unknown[], schema, path, fail);
      return;
    }
    case 'string': {
      if (actual !== 'string') {
        fail('type', `Error converting value ${preview(value)} to type 'string'. Path '${path}'.`);
        return;
      }
      checkString(value as string, schema, path, mode, fail);
      return;
    }
    case 'integer':
    case 'number': {
      if (actual !== 'number' || (type === 'integer' && !Number.isInteger(value))) {
        fail('type', `Error converting value ${preview(value)} to type '${type === 'integer' ? (schema.format === 'int64' ? 'Int64' : 'Int32') : 'Double'}'. Path '${path}'.`);
        return;
      }
      checkNumber(value as number, schema, path, fail);
      return;
    }
    case 'boolean': {
      if (actual !== 'boolean') {
        fail('type', `Error converting value ${preview(value)} to type 'Boolean'. Path '${path}'.`);
      }
      return;
    }
    default:
      return;
  }
}

function isReadOnly(schema: Schema, file: string): boolean {
  if (schema.readOnly === true) {
    return true;
  }
  // A property that is only `$ref` takes the target's readOnly (Swagger puts it on either side).
  if (typeof schema.$ref === 'string' && Object.keys(schema).length === 1) {
    try {
      return definition(resolveRef(file, schema.$ref)).readOnly === true;
    } catch {
      return false;
    }
  }
  return false;
}

/** The definition in `file` that extends `base` with `x-ms-discriminator-value` equal to `value`. */
function subtype(file: string, base: string, value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  const definitions = loadSpecFile(file)?.definitions ?? {};
  for (const [name, candidate] of Object.entries(definitions)) {
    const tag = candidate['x-ms-discriminator-value'] ?? name;
    const parents = (candidate.allOf as Schema[] | undefined) ?? [];
    if (tag === value && parents.some((parent) => parent.$ref === `#/definitions/${base}`)) {
      return name;
    }
  }
  return undefined;
}

function checkString(value: string, schema: Schema, path: string, mode: ValidationMode, fail: (kind: ViolationKind, message: string) => void): void {
  const allowed = schema.enum as string[] | undefined;
  if (allowed) {
    // An extensible enum (`x-ms-enum.modelAsString`) may grow: the service can send a value the
    // definition does not list yet (a new VM size), so an answer is only held to a closed enum.
    // A request is held to the listed values, compared without case as ARM's deserializers do.
    const extensible = (schema['x-ms-enum'] as { modelAsString?: boolean } | undefined)?.modelAsString === true;
    // Except VM sizes: ComputeRP.json calls the VirtualMachineSizeTypes enum deprecated and sends
    // callers to Resource SKUs, and Compute checks a size against those itself (SkuNotAvailable),
    // so a request may name a size the enum lacks (Standard_D2s_v5 is not in it).
    const openInRequests = extensible && (schema['x-ms-enum'] as { name?: string }).name === 'VirtualMachineSizeTypes';
    const matches = mode === 'request' ? openInRequests || allowed.some((item) => item.toLowerCase() === value.toLowerCase()) : extensible || allowed.includes(value);
    if (!matches) {
      const enumName = (schema['x-ms-enum'] as { name?: string } | undefined)?.name ?? 'enum';
      fail('enum', `Error converting value "${cut(value)}" to type '${enumName}'. Path '${path}'. Allowed: ${allowed.join(', ')}.`);
      return;
    }
  }
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
    fail('range', `'${path}' is ${value.length} characters long; at most ${schema.maxLength} are allowed.`);
  }
  if (typeof schema.minLength === 'number' && value.length < schema.minLength) {
    fail('range', `'${path}' is ${value.length} characters long; at least ${schema.minLength} are needed.`);
  }
  if (typeof schema.pattern === 'string') {
    let pattern: RegExp | undefined;
    try {
      pattern = new RegExp(schema.pattern);
    } catch {
      pattern = undefined;
    }
    if (pattern && !pattern.test(value)) {
      fail('format', `'${path}' value "${cut(value)}" does not match the pattern ${schema.pattern}.`);
    }
  }
  if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) {
    fail('format', `Could not convert string to DateTime: ${cut(value)}. Path '${path}'.`);
  }
  if (schema.format === 'uuid' && !uuid.test(value)) {
    fail('format', `Could not convert string to Guid: ${cut(value)}. Path '${path}'.`);
  }
}

function checkNumber(value: number, schema: Schema, path: string, fail: (kind: ViolationKind, message: string) => void): void {
  if (typeof schema.minimum === 'number' && (value < schema.minimum || (schema.exclusiveMinimum === true && value === schema.minimum))) {
    fail('range', `'${path}' is ${value}; the minimum is ${schema.minimum}.`);
  }
  if (typeof schema.maximum === 'number' && (value > schema.maximum || (schema.exclusiveMaximum === true && value === schema.maximum))) {
    fail('range', `'${path}' is ${value}; the maximum is ${schema.maximum}.`);
  }
  if (schema.format === 'int32' && (value > 2147483647 || value < -2147483648)) {
    fail('range', `Value ${value} was either too large or too small for an Int32. Path '${path}'.`);
  }
}

function checkCount(value: unknown[], schema: Schema, path: string, fail: (kind: ViolationKind, message: string) => void): void {
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
    fail('range', `'${path}' has ${value.length} items; at most ${schema.maxItems} are allowed.`);
  }
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
    fail('range', `'${path}' has ${value.length} items; at least ${schema.minItems} are needed.`);
  }
}

function cut(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}…` : value;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return cut(text);
}
