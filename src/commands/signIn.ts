import * as vscode from 'vscode';
import type { AzureSignIn } from '../azure/azureSignIn';
import { CloudSettingsError } from '../azure/cloud';
import type { LensCommand } from './lensCommand';

interface SignInArgs {
  tenantId?: string;
  accountId?: string;
}

function isSignInArgs(value: unknown): value is SignInArgs {
  return typeof value === 'object' && value !== null && ('tenantId' in value || 'accountId' in value);
}

/** "Sign In": with VS Code's provider a second sign-in adds another account; from a tenant row it signs in to that tenant. */
export function signInCommand(signIn: AzureSignIn): LensCommand {
  return {
    id: 'trafficLens.signIn',
    async run(args?: unknown): Promise<boolean> {
      const target = isSignInArgs(args) ? args : {};
      try {
        const addAccount = target.tenantId === undefined && signIn.accounts.some((account) => account.kind === 'vscode');
        return await signIn.signIn({ ...target, addAccount });
      } catch (error) {
        if (error instanceof CloudSettingsError) {
          void vscode.window.showErrorMessage(`Couldn't sign in: ${error.message}`, 'Open Settings').then((choice) => {
            if (choice === 'Open Settings') {
              void vscode.commands.executeCommand('workbench.action.openSettings', 'trafficLens');
            }
          });
          return false;
        }
        // VS Code rejects when the user closes the sign-in dialog: that is a cancel, not a failure.
        if (error instanceof Error && /cancel|did not consent/i.test(error.message)) {
          return false;
        }
        throw new Error(`Couldn't sign in to Azure: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    },
  };
}
