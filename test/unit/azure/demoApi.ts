import { ArmNetworkApi, type ArmNetworkApiOptions } from '../../../src/azure/armNetworkApi';
import { ScopedCredential, UnsignedTestCredential } from '../../../src/azure/credentials';
import type { StandIn } from '../../standin/server';
import { demoTenantId } from '../../standin/topologies/demo';

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
