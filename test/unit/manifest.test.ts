import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { credentialSettings } from '../../src/azure/cloud';

/** The project root: this test is bundled to out/test/unit/. */
const root = resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  engines: { vscode: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  contributes?: unknown;
  capabilities?: { untrustedWorkspaces?: { supported?: boolean | string } };
};
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

/** Every `%key%` placeholder in a JSON value. */
function placeholders(value: unknown): string[] {
  if (typeof value === 'string') {
    const match = /^%([^%]+)%$/.exec(value);
    return match === null ? [] : [match[1]];
  }
  if (Array.isArray(value)) {
    return value.flatMap(placeholders);
  }
  if (value !== null && typeof value === 'object') {
    return Object.values(value).flatMap(placeholders);
  }
  return [];
}

describe('package.json', () => {
  it('needs VS Code 1.101 or later, whose extension host runs Node 22+', () => {
    const match = /^\^?(\d+)\.(\d+)\.\d+$/.exec(manifest.engines.vscode);
    assert.ok(match !== null, `engines.vscode "${manifest.engines.vscode}" is not ^major.minor.patch`);
    const [major, minor] = [Number(match[1]), Number(match[2])];
    assert.ok(major > 1 || (major === 1 && minor >= 101), `engines.vscode ${manifest.engines.vscode} allows a VS Code older than 1.101`);
  });

  it('pins every dependency to an exact version', () => {
    const loose = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })
      .filter(([, version]) => !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version))
      .map(([name, version]) => `${name}@${version}`);
    assert.deepEqual(loose, []);
  });

  it('keeps code-server and a Node binary out of the dependencies', () => {
    const all = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
    assert.deepEqual(
      all.filter((name) => name === 'code-server' || name.startsWith('node-linux')),
      [],
    );
  });

  it('scopes every setting that decides where tokens go or who signs in to the application, so a workspace cannot set it', () => {
    const properties = (manifest.contributes as { configuration: { properties: Record<string, { scope?: string }> } }).configuration.properties;
    assert.deepEqual(
      credentialSettings.map((key) => [key, properties[`trafficLens.${key}`]?.scope]),
      credentialSettings.map((key) => [key, 'application']),
    );
    const others = Object.entries(properties).filter(([name, property]) => property.scope === 'application' && !(credentialSettings as readonly string[]).includes(name.replace(/^trafficLens\./, '')));
    assert.deepEqual(others.map(([name]) => name), [], 'application-scoped but not read as a credential setting');
  });

  it('does not run in Restricted Mode, as SECURITY.md says', () => {
    assert.equal(manifest.capabilities?.untrustedWorkspaces?.supported, false);
  });

  it('has a package.nls.json entry for every %key%', () => {
    const keys = placeholders(manifest);
    assert.ok(keys.length > 0, 'no %key% titles: user-visible strings belong in package.nls.json');
    assert.deepEqual(
      keys.filter((key) => !(key in nls)),
      [],
    );
  });

  it('points main at the built bundle', () => {
    assert.equal(manifest.main, './dist/extension.js');
    assert.ok(existsSync(join(root, manifest.main)), `${manifest.main} does not exist: build first (node scripts/build.mjs)`);
  });
});
