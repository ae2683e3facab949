import assert from 'node:assert/strict';
import { ArmClients, type ArmAccess } from '../../../src/azure/armClients';
import { toArmProblem } from '../../../src/azure/armProblem';
import { ScopedCredential, UnsignedTestCredential } from '../../../src/azure/credentials';
import { RunCommandReads } from '../../../src/azure/runCommandReads';
import { parseSocketListing, runCommandStreams, snapshotCommands } from '../../../src/core/socketListParsers';
import { definitionIn } from '../../standin/contract/definitions';
import { validateDocument } from '../../standin/contract/validate';
import { startStandIn, type StandIn } from '../../standin/server';
import { armIds } from '../../standin/topology';
import { demoTenantId, demoTopology, devSubscriptionId, hubSubscriptionId, prodSubscriptionId } from '../../standin/topologies/demo';
import { loadExample, shapeDifferences } from './exampleShapes';
import { errorCode, rawRequest } from './standInHarness';

const vm = (subscriptionId: string, group: string, name: string) => armIds.virtualMachine(subscriptionId, group, name);
const webVm = vm(prodSubscriptionId, 'rg-prod-app', 'vm-web-01');
const appVm = vm(prodSubscriptionId, 'rg-prod-app', 'vm-app-01');
const agentlessVm = vm(prodSubscriptionId, 'rg-prod-app', 'vm-app-02');
const dbVm = vm(prodSubscriptionId, 'rg-prod-app', 'vm-db-01');
const stoppedVm = vm(devSubscriptionId, 'rg-dev-network', 'vm-dev-02');
const exampleFile = 'compute/resource-manager/Microsoft.Compute/Compute/stable/2026-04-01/examples/runCommandExamples/VirtualMachineRunCommand.json';

async function failure(promise: Promise<unknown>): Promise<{ code: string; status?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return toArmProblem(error);
  }
  assert.fail('expected a failure');
}

describe('ARM stand-in: Run Command (action) through @azure/arm-compute', function () {
  this.timeout(30_000);
  let standIn: StandIn;
  let reads: RunCommandReads;

  before(async () => {
    standIn = await startStandIn({ topology: demoTopology() });
    const credential = new UnsignedTestCredential(demoTenantId);
    const credentialForTenant = (tenantId: string) => new ScopedCredential(credential, 'https://management.core.windows.net//.default', tenantId);
    const access = { resourceManagerEndpoint: standIn.url, credentialForTenant, caPem: standIn.caPem };
    const account: ArmAccess = { ...access, clients: new ArmClients(access) };
    reads = new RunCommandReads(account, { updateIntervalInMs: 5 });
  });

  after(async () => {
    await standIn.close();
  });

  it('reads power state and agent status from the instance view', async () => {
    assert.deepEqual(await reads.guestState(webVm, demoTenantId), { armId: webVm.toLowerCase(), name: 'vm-web-01', os: 'Linux', powerState: 'running', agent: 'ready', agentDetail: 'VM agent 2.11.1.12' });
    const stopped = await reads.guestState(stoppedVm, demoTenantId);
    assert.equal(stopped.powerState, 'deallocated');
    assert.equal(stopped.agent, 'notReady');
    const agentless = await reads.guestState(agentlessVm, demoTenantId);
    assert.equal(agentless.powerState, 'running');
    assert.equal(agentless.agent, 'notReady');
    assert.equal(agentless.agentDetail, 'VM Agent is unresponsive.');
    assert.equal((await reads.guestState(dbVm, demoTenantId)).os, 'Windows');
  });

  it('runs ss on a Linux VM: one status whose message holds [stdout] and [stderr], parsed into the estate’s sockets', async () => {
    const value = await reads.runCommand(webVm, demoTenantId, snapshotCommands.Linux);
    assert.equal(value.length, 1);
    assert.equal(value[0].code, 'ProvisioningState/succeeded');
    assert.match(value[0].message ?? '', /^Enable succeeded: \n\[stdout\]\nNetid +State/);
    const streams = runCommandStreams(value);
    assert.equal(streams.stderr, '');
    const listing = parseSocketListing('Linux', streams.stdout);
    assert.equal(listing.skippedCount, 0);
    const listens = listing.sockets.filter((socket) => socket.state === 'LISTEN').map((socket) => `${socket.local.address}:${socket.local.port} ${socket.process?.name}`);
    assert.ok(listens.includes('0.0.0.0:443 nginx'), listens.join(', '));
    const toApps = listing.sockets.filter((socket) => socket.remote?.port === 8080).map((socket) => socket.remote?.address).sort();
    assert.deepEqual(toApps, ['10.1.2.4', '10.1.2.5', '10.1.2.6', '10.1.2.7'], 'nginx connects to every app-tier VM of the estate');
  });

  it('runs the PowerShell list on a Windows VM: StdOut and StdErr entries shaped as the official example', async () => {
    const value = await reads.runCommand(dbVm, demoTenantId, snapshotCommands.Windows);
    assert.deepEqual(value.map((status) => status.code), ['ComponentStatus/StdOut/succeeded', 'ComponentStatus/StdErr/succeeded']);
    const listing = parseSocketListing('Windows', runCommandStreams(value).stdout);
    const inbound = listing.sockets.filter((socket) => socket.local.port === 1433 && socket.remote !== undefined);
    assert.deepEqual(inbound.map((socket) => `${socket.remote?.address} ${socket.process?.name}`).sort(), ['10.1.2.4 sqlservr', '10.1.2.5 sqlservr', '10.1.2.6 sqlservr', '10.1.2.7 sqlservr']);

    const started = await rawRequest(standIn, 'POST', `${dbVm}/runCommand?api-version=2026-04-01`, { tenantId: demoTenantId, body: { commandId: 'RunPowerShellScript', script: snapshotCommands.Windows.script } });
    assert.equal(started.status, 202);
    const location = String(started.headers.location);
    let done = await rawRequest(standIn, 'GET', location, { tenantId: demoTenantId });
    while (done.status === 202) {
      done = await rawRequest(standIn, 'GET', location, { tenantId: demoTenantId });
    }
    assert.equal(done.status, 200);
    const example = loadExample(exampleFile);
    assert.deepEqual(shapeDifferences(example.responses['200'].body, done.body), []);
    assert.deepEqual(validateDocument(done.body, definitionIn('compute', '2026-04-01', 'ComputeRP.json#RunCommandResult'), 'response'), []);
    assert.deepEqual(validateDocument(example.responses['200'].body, definitionIn('compute', '2026-04-01', 'ComputeRP.json#RunCommandResult'), 'response'), []);
    assert.deepEqual(validateDocument(example.parameters.parameters, definitionIn('compute', '2026-04-01', 'ComputeRP.json#RunCommandInput'), 'request'), []);
  });

  it('refuses a deallocated VM with 409 OperationNotAllowed before anything runs', async () => {
    const problem = await failure(reads.runCommand(stoppedVm, demoTenantId, snapshotCommands.Linux));
    assert.equal(problem.status, 409);
    assert.equal(problem.code, 'OperationNotAllowed');
    assert.match(problem.message, /requires the VM to be running/);
  });

  it('fails the operation with VMAgentStatusCommunicationError when the agent is not ready', async () => {
    const problem = await failure(reads.runCommand(agentlessVm, demoTenantId, snapshotCommands.Linux));
    assert.equal(problem.code, 'VMAgentStatusCommunicationError');
    assert.match(problem.message, /vm-app-02 has not reported status for VM agent|'vm-app-02' has not reported status/);
  });

  it('refuses a second run while one is in progress, a command the OS does not offer, and a body without commandId', async () => {
    const path = `${appVm}/runCommand?api-version=2026-04-01`;
    const first = await rawRequest(standIn, 'POST', path, { tenantId: demoTenantId, body: { commandId: 'RunShellScript', script: ['ss -tunap'] } });
    assert.equal(first.status, 202);
    const second = await rawRequest(standIn, 'POST', path, { tenantId: demoTenantId, body: { commandId: 'RunShellScript', script: ['ss -tunap'] } });
    assert.equal(second.status, 409);
    assert.equal(errorCode(second), 'Conflict');
    const wrongOs = await rawRequest(standIn, 'POST', `${webVm}/runCommand?api-version=2026-04-01`, { tenantId: demoTenantId, body: { commandId: 'RunPowerShellScript', script: ['Get-Process'] } });
    assert.equal(wrongOs.status, 404);
    const invalid = await rawRequest(standIn, 'POST', `${webVm}/runCommand?api-version=2026-04-01`, { tenantId: demoTenantId, body: { script: 'ss -tunap' } });
    assert.equal(invalid.status, 400);
    assert.equal(errorCode(invalid), 'InvalidRequestContent');
    const hubVm = await reads.guestState(vm(hubSubscriptionId, 'rg-hub-network', 'vm-jumpbox-01'), demoTenantId);
    assert.equal(hubVm.os, 'Windows');
  });
});
