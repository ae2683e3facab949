/**
 * Azurite (the npm blob-storage emulator) as the stand-in's storage account: started as a child
 * process on 127.0.0.1 with in-memory persistence, over HTTP for shared-key access or over HTTPS
 * with `--oauth basic` so bearer tokens are checked (audience, issuer, expiry; not the signature).
 *
 *   const azurite = await startAzurite({ https: true, accounts: [{ name: 'sthubflowlogsgwc01', key }] });
 *   new BlobServiceClient(azurite.blobEndpoint, new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey));
 *   await azurite.close();
 *
 * Facts measured on Azurite 3.37: ../../../shared/AZURE-LOCAL.md ("Azurite").
 */
import { BlobServiceClient, StorageSharedKeyCredential, newPipeline } from '@azure/storage-blob';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sharedCertificates } from './certs';

/** Azurite's well-known development account. */
export const devAccountName = 'devstoreaccount1';
export const devAccountKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteAccount {
  name: string;
  /** Base64, as `listKeys` returns it. */
  key: string;
}

export interface AzuriteOptions {
  /** Serve HTTPS with `--oauth basic` (bearer tokens accepted). `true` uses the stand-in's shared certificate. */
  https?: true | { certPath: string; keyPath: string; caPem?: string };
  /** Storage accounts to serve (default: the development account). The first is the one returned. */
  accounts?: AzuriteAccount[];
  /** 0 or absent: a free port. */
  port?: number;
}

export interface Azurite {
  /** `http(s)://127.0.0.1:<port>/<account>`: the account's blob endpoint (path style). */
  blobEndpoint: string;
  /** `http(s)://127.0.0.1:<port>`: append `/<account>` for another account. */
  serviceUrl: string;
  accountName: string;
  accountKey: string;
  accounts: AzuriteAccount[];
  /** The CA that signed the HTTPS certificate (when serving HTTPS with the shared certificate). */
  caPem?: string;
  close(): Promise<void>;
}

/** The folder holding `node_modules/azurite`, searched upward from this file, then from the working folder. */
function azuriteMain(): string {
  for (const start of [__dirname, process.cwd()]) {
    let folder = start;
    for (;;) {
      const candidate = join(folder, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js');
      if (existsSync(candidate)) {
        return candidate;
      }
      const parent = dirname(folder);
      if (parent === folder) {
        break;
      }
      folder = parent;
    }
  }
  throw new Error('Azurite is not installed: run npm install (it is a devDependency, azurite 3.37.0).');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts Azurite's blob service and resolves once it listens. */
export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const accounts = options.accounts && options.accounts.length > 0 ? options.accounts : [{ name: devAccountName, key: devAccountKey }];
  for (const account of accounts) {
    if (!/^[a-z0-9]{3,24}$/.test(account.name)) {
      throw new Error(`Azurite account name '${account.name}' is not a valid storage account name (3-24 lower-case letters and digits).`);
    }
  }
  let tls: { certPath: string; keyPath: string; caPem?: string } | undefined;
  if (options.https === true) {
    const certificates = sharedCertificates();
    tls = { certPath: join(certificates.folder, 'server.pem'), keyPath: join(certificates.folder, 'server.key'), caPem: certificates.caPem };
  } else if (options.https) {
    tls = options.https;
  }
  const port = options.port || (await freePort());
  const location = mkdtempSync(join(tmpdir(), 'azurite-'));
  const args = [
    azuriteMain(),
    '--blobHost', '127.0.0.1',
    '--blobPort', String(port),
    '--inMemoryPersistence',
    '--disableTelemetry',
    '--loose',
    '--skipApiVersionCheck',
    ...(tls ? ['--oauth', 'basic', '--cert', tls.certPath, '--key', tls.keyPath] : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: location,
    env: { ...process.env, AZURITE_ACCOUNTS: accounts.map((account) => `${account.name}:${account.key}`).join(';') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const cleanUp = (): void => rmSync(location, { recursive: true, force: true });
  try {
    await waitUntilListening(child);
  } catch (error) {
    child.kill();
    cleanUp();
    throw error;
  }
  // Keep draining output so a chatty Azurite never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  const killOnExit = (): void => {
    child.kill();
  };
  process.once('exit', killOnExit);
  const serviceUrl = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    blobEndpoint: `${serviceUrl}/${accounts[0].name}`,
    serviceUrl,
    accountName: accounts[0].name,
    accountKey: accounts[0].key,
    accounts,
    ...(tls?.caPem === undefined ? {} : { caPem: tls.caPem }),
    close: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      cleanUp();
    },
  };
}

function waitUntilListening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => finish(new Error(`Azurite did not start within 20 s. Its output:\n${output}`)), 20000);
    const onData = (data: Buffer): void => {
      output += data.toString();
      if (output.includes('successfully listens on')) {
        finish();
      }
    };
    const onExit = (code: number | null): void => finish(new Error(`Azurite exited with code ${code} before listening. Its output:\n${output}`));
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (error) {
        reject(error);
      } else {
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** A shared-key client for an account of a running Azurite (trusting its CA over HTTPS), for seeding. */
export function azuriteServiceClient(azurite: Azurite, accountName = azurite.accountName): BlobServiceClient {
  const account = azurite.accounts.find((candidate) => candidate.name === accountName);
  if (!account) {
    throw new Error(`Azurite serves no account ${accountName}.`);
  }
  const pipeline = newPipeline(new StorageSharedKeyCredential(account.name, account.key), { retryOptions: { maxTries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 10 } });
  if (azurite.caPem !== undefined) {
    const agent = new Agent({ ca: azurite.caPem, keepAlive: true });
    pipeline.factories.push({
      create: (next) => ({
        sendRequest: (request) => {
          request.agent = agent;
          return next.sendRequest(request);
        },
      }),
    });
  }
  return new BlobServiceClient(`${azurite.serviceUrl}/${account.name}`, pipeline);
}
