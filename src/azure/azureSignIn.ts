import type { TokenCredential } from '@azure/core-auth';
import { AzureCliCredential, EnvironmentCredential } from '@azure/identity';
import * as vscode from 'vscode';
import { ArmClients } from './armClients';
import { ArmNetworkApi } from './armNetworkApi';
import { problemLogLine, type ArmProblem } from './armProblem';
import { CloudSettingsError, credentialSettings, readCloudSettingsFrom, resolveCloud, type AuthenticationKind, type CloudEnvironment, type CloudSettings } from './cloud';
import { AccessTokenCredential, ScopedCredential, UnsignedTestCredential, type AccessTokenSource } from './credentials';
import type { NetworkApi, TenantRef } from './networkApi';

/** Home tenant of the test sign-in when `trafficLens.testTenantId` is empty; the stand-in lists every tenant to it. */
const defaultTestTenantId = '00000000-0000-0000-0000-000000000000';
const stateKey = 'trafficLens.signIn';

interface PersistedSignIn {
  kind: AuthenticationKind;
  accounts: { id: string; label: string }[];
}

/** A signed-in identity: its own NetworkApi, and the tenants it could not read without another sign-in. */
export interface SignedInAccount {
  id: string;
  label: string;
  kind: AuthenticationKind;
  api: NetworkApi;
  /** Filled while its subscriptions are listed: tenants that need an interactive sign-in (or refused). */
  tenantProblems: Map<string, { tenant: TenantRef; problem: ArmProblem }>;
  /** A credential of this identity for another resource, e.g. `https://storage.azure.com/.default` for blobs. */
  credentialForScope(scope: string, tenantId?: string): TokenCredential;
  /** Its Resource Manager credential for one tenant (writes, and reads the `NetworkApi` does not cover). */
  credentialForTenant(tenantId: string): TokenCredential;
  /** The Resource Manager endpoint it signed in to, e.g. `https://management.azure.com`. */
  resourceManagerEndpoint: string;
  /** Its SDK clients, built once per tenant and subscription and shared by `api` and every reader of this account. */
  clients: ArmClients;
}

/** Raised when VS Code holds no session for a tenant and asking silently is all that was allowed. */
class TenantSignInRequiredError extends Error {
  override readonly name = 'AuthenticationRequiredError';
}

/** The cloud settings from user settings only: a workspace cannot choose where tokens go (see `readCloudSettingsFrom`). */
export function readCloudSettings(): CloudSettings & { testTenantId: string } {
  return readCloudSettingsFrom(vscode.workspace.getConfiguration('trafficLens'));
}

/**
 * Sign-in for the chosen cloud and authentication kind: VS Code's Microsoft (or sovereign-cloud)
 * provider with per-tenant sessions, the Azure CLI, a service principal from the environment, or
 * unsigned test tokens for a local stand-in. Remembers who signed in (never a token) in globalState.
 */
export class AzureSignIn implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private current: SignedInAccount[] = [];
  /** Bumped by every sign-in and sign-out, so a slower restore does not overwrite them. */
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];

  constructor(
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.authentication.onDidChangeSessions((event) => {
        if (this.current.some((account) => account.kind === 'vscode') && (event.provider.id === 'microsoft' || event.provider.id === 'microsoft-sovereign-cloud')) {
          void this.restore();
        }
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (credentialSettings.some((key) => event.affectsConfiguration(`trafficLens.${key}`))) {
          void this.restore();
        }
      }),
    );
  }

  get accounts(): readonly SignedInAccount[] {
    return this.current;
  }

  get isSignedIn(): boolean {
    return this.current.length > 0;
  }

  /** The cloud the settings describe; throws `CloudSettingsError` naming the setting to fix. */
  cloud(): CloudEnvironment {
    return resolveCloud(readCloudSettings());
  }

  /** Rebuilds the remembered sign-in without asking the user anything. */
  async restore(): Promise<void> {
    const generation = this.generation;
    const persisted = this.state.get<PersistedSignIn>(stateKey);
    const settings = readCloudSettings();
    const accounts: SignedInAccount[] = [];
    if (persisted && persisted.kind === settings.authentication) {
      try {
        const cloud = resolveCloud(settings);
        for (const remembered of persisted.accounts) {
          const account = await this.buildAccount(cloud, settings.authentication, remembered, false);
          if (account) {
            accounts.push(account);
          }
        }
      } catch (error) {
        this.log.warn(`Sign-in not restored: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (generation !== this.generation) {
      return;
    }
    this.setAccounts(accounts, persisted?.kind === settings.authentication ? persisted.kind : undefined);
  }

  /**
   * Signs in interactively. With VS Code's provider, an existing account is offered first and a
   * second call can add another account; `tenantId` asks for a session in that tenant.
   * Returns false when the user cancelled; throws with a user-facing message otherwise.
   */
  async signIn(options: { tenantId?: string; accountId?: string; addAccount?: boolean } = {}): Promise<boolean> {
    this.generation += 1;
    const settings = readCloudSettings();
    const cloud = resolveCloud(settings);
    const kind = settings.authentication;
    if (kind === 'vscode') {
      await this.ensureSovereignProvider(cloud);
      const known = this.current.find((account) => account.id === options.accountId);
      const scopes = options.tenantId ? [cloud.armScope, `VSCODE_TENANT:${options.tenantId}`] : [cloud.armScope];
      const session = await vscode.authentication.getSession(cloud.authProviderId, scopes, {
        createIfNone: true,
        clearSessionPreference: options.addAccount === true,
        ...(known ? { account: { id: known.id, label: known.label } } : {}),
      });
      const remembered = { id: session.account.id, label: session.account.label };
      const account = await this.buildAccount(cloud, kind, remembered, true);
      if (!account) {
        return false;
      }
      const others = this.current.filter((existing) => existing.id !== account.id && existing.kind === kind);
      this.setAccounts([...others, account], kind);
      this.log.info(`Signed in to ${cloud.name} as ${remembered.label}${options.tenantId ? ` (tenant ${options.tenantId})` : ''}.`);
      return true;
    }
    const remembered = kind === 'azureCli' ? { id: 'azureCli', label: 'Azure CLI' } : kind === 'environment' ? { id: 'environment', label: `Service principal ${process.env.AZURE_CLIENT_ID ?? ''}`.trim() } : { id: 'test', label: 'Test sign-in' };
    const account = await this.buildAccount(cloud, kind, remembered, true);
    if (!account) {
      return false;
    }
    this.setAccounts([account], kind);
    this.log.info(`Signed in to ${cloud.name} (${cloud.resourceManagerEndpoint}) with ${remembered.label}.`);
    return true;
  }

  /** Forgets every account. VS Code's own sessions stay in its Accounts menu. */
  async signOut(): Promise<void> {
    this.generation += 1;
    await this.state.update(stateKey, undefined);
    this.current = [];
    this.log.info('Signed out.');
    this.changeEmitter.fire();
  }

  private setAccounts(accounts: SignedInAccount[], kind: AuthenticationKind | undefined): void {
    this.current = accounts;
    void this.state.update(stateKey, accounts.length === 0 || kind === undefined ? undefined : ({ kind, accounts: accounts.map(({ id, label }) => ({ id, label })) } satisfies PersistedSignIn));
    this.changeEmitter.fire();
  }

  private async buildAccount(cloud: CloudEnvironment, kind: AuthenticationKind, remembered: { id: string; label: string }, interactive: boolean): Promise<SignedInAccount | undefined> {
    const tenantProblems = new Map<string, { tenant: TenantRef; problem: ArmProblem }>();
    const credentials = this.credentials(cloud, kind, remembered);
    if (interactive && kind !== 'vscode' && kind !== 'test') {
      // Fail at sign-in, with the credential's own advice ("run az login"), rather than in the tree.
      const token = await credentials.home.getToken(cloud.armScope).catch((error: unknown) => {
        throw new CloudSettingsError(`${remembered.label} could not get a token: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      });
      if (!token) {
        throw new CloudSettingsError(`${remembered.label} returned no token.`);
      }
    }
    if (!interactive && kind === 'vscode') {
      const session = await vscode.authentication.getSession(cloud.authProviderId, [cloud.armScope], { account: remembered, silent: true });
      if (!session) {
        this.log.info(`No VS Code session for ${remembered.label} any more; sign in again.`);
        return undefined;
      }
    }
    const clients = new ArmClients({ credentialForTenant: credentials.forTenant, resourceManagerEndpoint: cloud.resourceManagerEndpoint });
    const api = new ArmNetworkApi({
      endpoint: cloud.resourceManagerEndpoint,
      homeCredential: credentials.home,
      credentialForTenant: credentials.forTenant,
      clients,
      useResourceGraph: () => vscode.workspace.getConfiguration('trafficLens').get<boolean>('inventory.useResourceGraph', true),
      onNote: (message) => this.log.info(message),
      onTenantProblem: (tenant, problem) => {
        tenantProblems.set(tenant.tenantId, { tenant, problem });
        this.log.warn(problemLogLine(`Listing subscriptions of tenant ${tenant.displayName} (${tenant.tenantId})`, problem));
      },
    });
    return { ...remembered, kind, api, tenantProblems, credentialForScope: credentials.forScope, credentialForTenant: credentials.forTenant, resourceManagerEndpoint: cloud.resourceManagerEndpoint, clients };
  }

  private credentials(
    cloud: CloudEnvironment,
    kind: AuthenticationKind,
    account: { id: string; label: string },
  ): { home: TokenCredential; forTenant(tenantId: string): TokenCredential; forScope(scope: string, tenantId?: string): TokenCredential } {
    switch (kind) {
      case 'vscode': {
        const sourceFor = (scope: string): AccessTokenSource => async (tenantId) => {
          const scopes = tenantId ? [scope, `VSCODE_TENANT:${tenantId}`] : [scope];
          const session = await vscode.authentication.getSession(cloud.authProviderId, scopes, { account, silent: true });
          if (!session) {
            throw new TenantSignInRequiredError(`Sign in to tenant ${tenantId ?? '(home)'} with ${account.label} to see its subscriptions.`);
          }
          return session.accessToken;
        };
        const source = sourceFor(cloud.armScope);
        const perTenant = new Map<string, TokenCredential>();
        return {
          forScope: (scope, tenantId) => new AccessTokenCredential(sourceFor(scope), tenantId),
          home: new AccessTokenCredential(source),
          forTenant: (tenantId) => {
            let credential = perTenant.get(tenantId);
            if (!credential) {
              credential = new AccessTokenCredential(source, tenantId);
              perTenant.set(tenantId, credential);
            }
            return credential;
          },
        };
      }
      case 'azureCli': {
        const cli = new AzureCliCredential({ additionallyAllowedTenants: ['*'] });
        return {
          home: new ScopedCredential(cli, cloud.armScope),
          forTenant: (tenantId) => new ScopedCredential(cli, cloud.armScope, tenantId),
          forScope: (scope, tenantId) => new ScopedCredential(cli, scope, tenantId),
        };
      }
      case 'environment': {
        const principal = new EnvironmentCredential({ authorityHost: cloud.authorityHost, additionallyAllowedTenants: ['*'] });
        return {
          home: new ScopedCredential(principal, cloud.armScope),
          forTenant: (tenantId) => new ScopedCredential(principal, cloud.armScope, tenantId),
          forScope: (scope, tenantId) => new ScopedCredential(principal, scope, tenantId),
        };
      }
      case 'test': {
        const home = readCloudSettings().testTenantId || defaultTestTenantId;
        const credential = new UnsignedTestCredential(home);
        return {
          home: credential,
          forTenant: (tenantId) => new ScopedCredential(credential, cloud.armScope, tenantId),
          forScope: (scope, tenantId) => new ScopedCredential(credential, scope, tenantId),
        };
      }
    }
  }

  /** The sovereign-cloud provider signs in to whichever cloud its own setting names: make it match ours. */
  private async ensureSovereignProvider(cloud: CloudEnvironment): Promise<void> {
    if (cloud.sovereignEnvironment === undefined) {
      return;
    }
    const config = vscode.workspace.getConfiguration('microsoft-sovereign-cloud');
    if (config.get<string>('environment') !== cloud.sovereignEnvironment) {
      await config.update('environment', cloud.sovereignEnvironment, vscode.ConfigurationTarget.Global);
      this.log.info(`Set microsoft-sovereign-cloud.environment to ${cloud.sovereignEnvironment} for ${cloud.name}.`);
    }
  }

  dispose(): void {
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
