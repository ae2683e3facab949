import assert from 'node:assert/strict';
import { SubscriptionFilter, type StateStore } from '../../../src/tree/subscriptionFilter';

function memoryStore(): StateStore & { values: Map<string, unknown> } {
  const values = new Map<string, unknown>();
  return {
    values,
    get: <T>(key: string) => values.get(key) as T | undefined,
    update: async (key: string, value: unknown) => {
      if (value === undefined) {
        values.delete(key);
      } else {
        values.set(key, value);
      }
    },
  };
}

describe('SubscriptionFilter', () => {
  it('shows every subscription until the user picks, then only the picked ones, across restarts', async () => {
    const store = memoryStore();
    const filter = new SubscriptionFilter(store);
    assert.equal(filter.isShown('/subscriptions/A'), true);
    await filter.select(['/subscriptions/A']);
    const reopened = new SubscriptionFilter(store);
    assert.equal(reopened.isShown('/subscriptions/a'), true, 'ids compare lower-cased');
    assert.equal(reopened.isShown('/subscriptions/b'), false);
    await reopened.select(undefined);
    assert.equal(new SubscriptionFilter(store).isShown('/subscriptions/b'), true);
    assert.equal(store.values.size, 0);
  });

  it('keeps an empty pick as "none shown" rather than "all"', async () => {
    const filter = new SubscriptionFilter(memoryStore());
    await filter.select([]);
    assert.equal(filter.isShown('/subscriptions/a'), false);
  });
});
