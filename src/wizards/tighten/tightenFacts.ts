/**
 * What "Tighten NSG from Traffic…" knows: the NSG as Azure returns it now (what the PUT and its undo
 * start from), the network interfaces whose traffic meets it with the NSGs on their paths, the
 * estate's prefixes, and the answers. Plain data; no `vscode` import here.
 */
import type { RawResource } from '../../azure/computeReads';
import type { ExplicitDeny, Granularity, InterfaceScope } from './ruleSynthesis';

export type { RawResource } from '../../azure/computeReads';

/** The NSG being tightened, as the inventory names it. */
export interface TightenNsg {
  /** Lower-cased ARM id. */
  id: string;
  /** The ARM id as Azure spells it. */
  armId: string;
  name: string;
  resourceGroup: string;
  location: string;
  subscriptionId: string;
  subscriptionName: string;
  tenantId: string;
  /** Lower-cased ids of the subnets and network interfaces it is attached to. */
  subnetIds: string[];
  nicIds: string[];
}

export interface TightenAnswers {
  /** Lower-cased NSG id. */
  nsgId: string;
  /** Hours of flow logs to read, ending now. */
  windowHours: number;
  granularity: Granularity;
  explicitDeny: ExplicitDeny;
  /** Names of the proposed allow rules kept; undefined keeps them all. */
  acceptedRules?: string[];
}

export interface TightenFacts {
  nsg: TightenNsg;
  /** The NSG as ARM returns it now (`properties.securityRules` with their ARM bodies). */
  raw: RawResource;
  /** The network interfaces whose traffic meets it, with the NSGs on their paths (this one's rules as read now). */
  interfaces: InterfaceScope[];
  subnetPrefixes: string[];
  vnetPrefixes: string[];
  /** Epoch ms of the window the flows were read for. */
  from: number;
  to: number;
  /** What the flows were read from: "3 blobs of flow log fl-nsg-prod-web". */
  source: string;
}
