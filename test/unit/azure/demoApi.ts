import { ArmActionRunner, type ArmActionRunnerOptions } from '../../../src/azure/armActionRunner';
import { ArmNetworkApi, type ArmNetworkApiOptions } from '../../../src/azure/armNetworkApi';
import { ScopedCredential, UnsignedTestCredential } from '../../../src/azure/credentials';
import type { StandIn } from '../../standin/server';
import { demoTenantId } from '../../standin/topologies/demo';

const armScope = 'https://management.core.windows.net//.default';

/** The test sign-in's credential for a tenant, with the demo tenant as home. */
function credentialForTenant(tenantId: string): ScopedCredential {
  return new ScopedCredential(new UnsignedTestCredential(demoTenantId), armScope, tenantId);
}

/** The extension's ArmActionRunner against the stand-in, polling every 5 ms. */
export function runnerFor(standIn: StandIn, options: Partial<ArmActionRunnerOptions> = {}): ArmActionRunner {
  return new ArmActionRunner({ resourceManagerEndpoint: standIn.url, credentialForTenant, caPem: standIn.caPem, updateIntervalInMs: 5, ...options });
}

/** The extension's ArmNetworkApi against the stand-in, signed in to the demo tenant with the test sign-in. */
export function apiFor(standIn: StandIn, options: Partial<ArmNetworkApiOptions> = {}): ArmNetworkApi {
  const credential = new UnsignedTestCredential(demoTenantId);
  return new ArmNetworkApi({
    endpoint: standIn.url,
    homeCredential: credential,
    credentialForTenant: (tenantId) => new ScopedCredential(credential, 'https://management.core.windows.net//.default', tenantId),
    caPem: standIn.caPem,
    ...options,
  });
}
