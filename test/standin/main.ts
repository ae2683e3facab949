import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startStandIn } from './server';
import { demoTenantId, demoTopology } from './topologies/demo';
import { scaleTenantId, scaleTopology } from './topologies/scale';

/**
 * Starts the stand-in for the demo and prints one JSON line: `{ url, caPath, caBundlePath, tenantId, … }`.
 * `caBundlePath` is the machine's NODE_EXTRA_CA_CERTS bundle plus the stand-in's CA, ready to pass on.
 * Usage: node out/test/standin/main.js [--topology demo|scale] [--port N] [--latency MS] [--page-size N]
 * Stops on SIGINT/SIGTERM or when stdin closes (so a parent process can end it by closing the pipe).
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string): string | undefined => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const numberOption = (name: string): number | undefined => {
    const value = option(name);
    if (value === undefined) {
      return undefined;
    }
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0) {
      throw new Error(`--${name} needs a whole number, got '${value}'.`);
    }
    return parsed;
  };
  const topologyName = option('topology') ?? 'demo';
  if (topologyName !== 'demo' && topologyName !== 'scale') {
    throw new Error(`--topology must be 'demo' or 'scale', got '${topologyName}'.`);
  }
  const standIn = await startStandIn({
    topology: topologyName === 'demo' ? demoTopology() : scaleTopology(),
    port: numberOption('port'),
    latencyMs: numberOption('latency'),
    pageSize: numberOption('page-size'),
    ownCertificates: true,
  });
  // Node reads NODE_EXTRA_CA_CERTS once, from one file, and this machine already points it at the
  // system bundle: a process that must trust the stand-in gets both, concatenated.
  const existing = process.env.NODE_EXTRA_CA_CERTS;
  const caBundlePath = join(dirname(standIn.caPath), 'bundle.pem');
  writeFileSync(caBundlePath, `${existing && existsSync(existing) ? `${readFileSync(existing, 'utf8').trimEnd()}\n` : ''}${standIn.caPem}`);
  process.stdout.write(`${JSON.stringify({
    url: standIn.url,
    caPath: standIn.caPath,
    caBundlePath,
    topology: topologyName,
    tenantId: topologyName === 'demo' ? demoTenantId : scaleTenantId,
    subscriptions: [...standIn.state.subscriptions.values()].map((subscription) => ({ id: subscription.subscriptionId, name: subscription.displayName })),
    faults: `${standIn.url}/_standin/faults`,
    requests: `${standIn.url}/_standin/requests`,
  })}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    void standIn.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (!process.stdin.isTTY) {
    process.stdin.on('end', stop);
    process.stdin.resume();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Stand-in failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
