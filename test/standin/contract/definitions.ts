import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { projectRoot } from '../../fixtures/projectRoot';
import type { ApiFamily } from '../apiVersions';

/**
 * The REST definitions vendored from Azure/azure-rest-api-specs under `test/fixtures/rest/specification`
 * (paths as below `specification/` in that repository; commits in `test/fixtures/rest/README.md`).
 * Files load on first use and `$ref`s resolve lazily, so an excerpt (a file holding only the
 * definitions the stand-in's documents reach) works as long as nothing reaches what it left out;
 * when something does, validation says which definition is missing instead of passing.
 */
export const specificationRoot = join(projectRoot(), 'test', 'fixtures', 'rest', 'specification');

/** A JSON schema object from a Swagger 2.0 `definitions` section. */
export type Schema = Record<string, unknown>;

/** Where a definition lives: the file (relative to the specification root) and its name. */
export interface DefinitionRef {
  file: string;
  name: string;
  /**
   * The document is a JSON array of this definition: an operation whose response schema is
   * `{ "type": "array", "items": { "$ref": … } }` (e.g. VirtualMachineImages_ListPublishers).
   */
  array?: boolean;
}

/** The folder of each api family's definitions at one api-version, and the file most routes use. */
const folders: Record<ApiFamily, (apiVersion: string) => string> = {
  network: (version) => `network/resource-manager/Microsoft.Network/stable/${version}`,
  compute: (version) => `compute/resource-manager/Microsoft.Compute/Compute/stable/${version}`,
  authorization: (version) => `authorization/resource-manager/Microsoft.Authorization/stable/${version}`,
  computeSkus: (version) => `compute/resource-manager/Microsoft.Compute/Skus/stable/${version}`,
  storage: (version) => `storage/resource-manager/Microsoft.Storage/stable/${version}`,
  resources: (version) => `resources/resource-manager/Microsoft.Resources/resources/stable/${version}`,
  subscriptions: (version) => `resources/resource-manager/Microsoft.Resources/subscriptions/stable/${version}`,
  operationalinsights: (version) => `operationalinsights/resource-manager/Microsoft.OperationalInsights/OperationalInsights/stable/${version}`,
  resourcegraph: (version) => `resourcegraph/resource-manager/Microsoft.ResourceGraph/ResourceGraph/stable/${version}`,
};

export function familyFolder(family: ApiFamily, apiVersion: string): string {
  return folders[family](apiVersion);
}

/** `virtualNetworkTap.json#VirtualNetworkTap` in the family's folder at that api-version; `…#X[]` for an array of X. */
export function definitionIn(family: ApiFamily, apiVersion: string, reference: string): DefinitionRef {
  const [file, named] = reference.split('#');
  const array = named.endsWith('[]');
  const name = array ? named.slice(0, -2) : named;
  return { file: normalizePath(join(familyFolder(family, apiVersion), file)), name, ...(array ? { array } : {}) };
}

interface SpecFile {
  definitions: Record<string, Schema>;
}

const files = new Map<string, SpecFile | undefined>();

function normalizePath(path: string): string {
  return normalize(path).replace(/\\/g, '/');
}

export function loadSpecFile(file: string): SpecFile | undefined {
  if (files.has(file)) {
    return files.get(file);
  }
  const path = join(specificationRoot, file);
  const loaded = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as SpecFile) : undefined;
  files.set(file, loaded);
  return loaded;
}

export class MissingDefinitionError extends Error {}

/** The schema a definition names; throws `MissingDefinitionError` naming the file and definition when it is not vendored. */
export function definition(ref: DefinitionRef): Schema {
  const spec = loadSpecFile(ref.file);
  if (spec === undefined) {
    throw new MissingDefinitionError(`The definitions file ${ref.file} is not vendored under test/fixtures/rest/specification.`);
  }
  const found = spec.definitions?.[ref.name];
  if (found === undefined) {
    throw new MissingDefinitionError(`The definition ${ref.name} is not in the vendored ${ref.file} (an excerpt may have left it out).`);
  }
  return found;
}

/** Resolves a `$ref` met inside `from`: `#/definitions/X` or `./other.json#/definitions/X`. */
export function resolveRef(from: string, reference: string): DefinitionRef {
  const [path, pointer] = reference.split('#');
  const match = /^\/definitions\/(.+)$/.exec(pointer ?? '');
  if (!match) {
    throw new MissingDefinitionError(`Unsupported $ref '${reference}' in ${from}: only #/definitions/… references are resolved.`);
  }
  const file = path === '' ? from : normalizePath(join(dirname(from), path));
  return { file, name: decodeURIComponent(match[1]) };
}

/** Every vendored file, relative to the specification root (for the README check). */
export function describeRef(ref: DefinitionRef): string {
  return `${ref.file}#/definitions/${ref.name}${ref.array ? '[]' : ''}`;
}

export function relativeToRoot(path: string): string {
  return normalizePath(relative(specificationRoot, path));
}
