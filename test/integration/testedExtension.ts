// Which copy of the extension an integration run is meant to test. The runner
// (test/vscode/runTests.ts) says so through the environment:
//   TRAFFIC_LENS_EXPECT_EXTENSION=development   loaded from the project (extensionDevelopmentPath)
//   TRAFFIC_LENS_EXPECT_EXTENSION=installed     installed from the .vsix into TRAFFIC_LENS_EXPECT_EXTENSIONS_DIR
// Without it (a run started by hand from the project), the development copy is expected.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { TrafficLensApi } from '../../src/extension';
import { ScriptedWizards } from './scriptedWizards';
import { ViewerProbe } from './viewerProbe';

/** The project root: this file is bundled to out/test/integration/. */
export const projectRoot = resolve(__dirname, '..', '..', '..');

export interface ProjectManifest {
  name: string;
  publisher: string;
  main: string;
  contributes: {
    commands?: { command: string }[];
    menus?: Record<string, { command?: string; submenu?: string }[]>;
  };
}

export const manifest = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as ProjectManifest;
export const extensionId = `${manifest.publisher}.${manifest.name}`;

export interface ExpectedExtension {
  kind: 'development' | 'installed';
  /** The folder the extension must be loaded from, or the folder it must be installed under. */
  location: string;
}

export function expectedExtension(): ExpectedExtension {
  if (process.env.TRAFFIC_LENS_EXPECT_EXTENSION === 'installed') {
    const dir = process.env.TRAFFIC_LENS_EXPECT_EXTENSIONS_DIR;
    if (dir === undefined || dir === '') {
      throw new Error('TRAFFIC_LENS_EXPECT_EXTENSION=installed needs TRAFFIC_LENS_EXPECT_EXTENSIONS_DIR');
    }
    return { kind: 'installed', location: resolve(dir) };
  }
  return { kind: 'development', location: projectRoot };
}

export function testedExtension(): vscode.Extension<TrafficLensApi> {
  const extension = vscode.extensions.getExtension<TrafficLensApi>(extensionId);
  if (extension === undefined) {
    throw new Error(`${extensionId} is not loaded in this VS Code`);
  }
  return extension;
}

/** The extension's API as the suites use it: wizards driven by `ScriptedWizards`, viewers watched by `ViewerProbe`. */
export interface TestedApi extends Omit<TrafficLensApi, 'wizards' | 'flowLogViewer'> {
  wizards: ScriptedWizards;
  flowLogViewer: ViewerProbe;
}

/**
 * Each test file is bundled with its own copy of this module, so the one `TestedApi` of the
 * extension host is kept on `globalThis`: one script and one probe, whichever suite asks.
 */
const testedKey = 'trafficLens.testedApi';

/** Activates the extension; the first call installs the scripted wizards and the viewer probe through its seams. */
export async function activateTestedExtension(): Promise<TestedApi> {
  const api = await testedExtension().activate();
  const shared = globalThis as { [testedKey]?: TestedApi };
  shared[testedKey] ??= { ...api, wizards: new ScriptedWizards(api.wizards), flowLogViewer: new ViewerProbe(api.flowLogViewer, projectRoot) };
  return shared[testedKey];
}
