import type { AzureSignIn } from '../azure/azureSignIn';
import type { LensCommand } from './lensCommand';

/** "Sign Out": forgets the accounts and clears the tree. */
export function signOutCommand(signIn: AzureSignIn): LensCommand {
  return {
    id: 'trafficLens.signOut',
    run: () => signIn.signOut(),
  };
}
