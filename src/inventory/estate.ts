/**
 * The signed-in estate as the wizards and commands read it: the subscriptions the inventory view
 * shows, each with the account that lists it and its cached inventory. The tree provides it; the
 * wizards only see these types, so they do not depend on the tree.
 */
import type { SignedInAccount } from '../azure/azureSignIn';
import type { SubscriptionRef } from '../azure/networkApi';
import type { SubscriptionInventory } from './subscriptionInventory';

/** A subscription the tree shows, with what a wizard needs to read and change it. */
export interface EstateSubscription {
  subscription: SubscriptionRef;
  account: SignedInAccount;
  inventory: SubscriptionInventory;
}

/** Where the estate comes from (the inventory tree), and how a plan tells it which subscriptions it is changing. */
export interface EstateSource {
  /** The subscriptions shown, with their cached inventories (the same cache the tree reads). Loads nothing by itself. */
  estate(): Promise<EstateSubscription[]>;
  /** While a plan changes these subscriptions (GUIDs or ids), their rows say so with `title`, until the returned function is called. */
  markSubscriptionsBusy(subscriptionIds: readonly string[], title: string): () => void;
  /** After a change this extension made: lists these subscriptions again and redraws them. */
  invalidateSubscriptions(subscriptionIds: readonly string[]): void;
}
