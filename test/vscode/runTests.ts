// Runs the integration suite (out/test/integration) inside a real VS Code with
// @vscode/test-electron's `runTests`.
//
//   node out/test/vscode/runTests.js --results FILE [--vsix FILE.vsix] [--grep PATTERN]
//
// Without --vsix the extension is loaded from the project (extensionDevelopmentPath); with it the
// .vsix is installed into a fresh extensions folder first and the suite checks it tests that copy.
// By default VS Code is test/vscode/code: code-server in headless Chromium, which needs no
// download. Set TRAFFIC_LENS_TEST_DESKTOP=1 to let test-electron download and run VS Code desktop
// instead (needs access to update.code.visualstudio.com and, on Linux, a display such as xvfb-run).
// The suite's mocha statistics are written as JSON to the --results file.
// Before VS Code starts, this process starts the local Azure (the ARM stand-in with the demo
// estate, and Azurite with its flow logs) and hands the suite TRAFFIC_LENS_STANDIN_URL and
// TRAFFIC_LENS_STORAGE_URL; VS Code gets NODE_EXTRA_CA_CERTS with their CA (Node reads it only at
// start), so the extension trusts them with TLS checks on.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, runTests } from '@vscode/test-electron';
import { projectRoot } from './codeServer';
import { startDemoEnvironment, type DemoEnvironment } from './demoEnvironment';

interface Options {
  results: string;
  vsix?: string;
  grep?: string;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Partial<Options> = {};
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--results':
        options.results = resolve(value);
        i++;
        break;
      case '--vsix':
        options.vsix = resolve(value);
        i++;
        break;
      case '--grep':
        options.grep = value;
        i++;
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  if (options.results === undefined) {
    throw new Error('--results FILE is required');
  }
  return options as Options;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const desktop = process.env.TRAFFIC_LENS_TEST_DESKTOP === '1';
  const vscodeExecutablePath = desktop ? await downloadAndUnzipVSCode() : join(projectRoot, 'test/vscode/code');
  const profile = mkdtempSync(join(tmpdir(), 'traffic-lens-profile-'));
  const extensionsDir = join(profile, 'extensions');
  const userDataDir = join(profile, 'user-data');
  mkdirSync(extensionsDir, { recursive: true });
  rmSync(options.results, { force: true });

  let local: DemoEnvironment | undefined;
  try {
    local = await startDemoEnvironment({
      folder: join(profile, 'local-azure'),
      // Flow logs from 23:00 yesterday to 01:59 today (UTC): "Open Time Range…" is tested over midnight.
      lastHour: Math.floor(Date.now() / 86_400_000) * 86_400_000 + 3_600_000,
    });
    const env: Record<string, string> = {
      TRAFFIC_LENS_TEST_RESULTS: options.results,
      TRAFFIC_LENS_STANDIN_URL: local.resourceManagerUrl,
      TRAFFIC_LENS_STORAGE_URL: local.storageServiceUrl,
      TRAFFIC_LENS_LOGANALYTICS_URL: local.logAnalyticsUrl,
      NODE_EXTRA_CA_CERTS: local.caBundlePath,
    };
    if (options.grep !== undefined) {
      env.TRAFFIC_LENS_TEST_GREP = options.grep;
    }
    let extensionDevelopmentPath = projectRoot;
    if (options.vsix !== undefined) {
      if (!existsSync(options.vsix)) {
        console.error(`${options.vsix} does not exist; run \`npm run package\` first.`);
        return 1;
      }
      const [cli, ...cliArgs] = desktop ? resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath, { reuseMachineInstall: true }) : [vscodeExecutablePath];
      const install = spawnSync(cli, [...cliArgs, `--extensions-dir=${extensionsDir}`, `--user-data-dir=${userDataDir}`, `--install-extension=${options.vsix}`], {
        stdio: 'inherit',
      });
      if (install.status !== 0) {
        console.error(`Installing ${options.vsix} failed (exit ${install.status ?? install.signal}).`);
        return 1;
      }
      // Some development path is needed for the suite to start; the test folder is not an
      // extension, so the installed copy is the one that loads.
      extensionDevelopmentPath = join(projectRoot, 'test');
      env.TRAFFIC_LENS_EXPECT_EXTENSION = 'installed';
      env.TRAFFIC_LENS_EXPECT_EXTENSIONS_DIR = extensionsDir;
    } else {
      env.TRAFFIC_LENS_EXPECT_EXTENSION = 'development';
    }

    try {
      await runTests({
        vscodeExecutablePath,
        extensionDevelopmentPath,
        extensionTestsPath: join(projectRoot, 'out/test/integration/index.js'),
        extensionTestsEnv: env,
        launchArgs: [join(projectRoot, 'test/fixtures'), `--user-data-dir=${userDataDir}`, `--extensions-dir=${extensionsDir}`],
      });
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
    }
    if (!existsSync(options.results)) {
      console.error('The integration suite did not report results: it did not start or crashed.');
      return 1;
    }
    const results = JSON.parse(readFileSync(options.results, 'utf8')) as { failures: number };
    return results.failures > 0 ? 1 : 0;
  } finally {
    await local?.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
