import assert from 'node:assert/strict';
import { describeStatuses, peeringsOf } from '../../../../src/wizards/peering/peeringEstate';
import { planPeering } from '../../../../src/wizards/peering/plan';
import type { ApplyReport } from '../../../../src/wizards/shared/plan';
import { peeringVnet } from './builders';

describe('peering states after Apply', () => {
  const plan = planPeering({ hub: peeringVnet({ name: 'vnet-hub' }), spokes: [peeringVnet({ name: 'vnet-dev', addressSpace: ['10.2.0.0/16'] })], allowForwardedTraffic: true, useHubGateway: false, names: {} });

  it('watches the peerings that succeeded or were kept, and none after an undo', () => {
    const applied: ApplyReport = { plan, complete: false, outcomes: [{ actionId: 'a1', status: 'succeeded', attempts: 1 }, { actionId: 'a2', status: 'failed', attempts: 3 }] };
    assert.deepEqual(peeringsOf(applied).map((id) => id.split('/').pop()), ['vnet-dev-to-vnet-hub']);
    const undone: ApplyReport = { plan, complete: false, outcomes: [{ actionId: 'a1', status: 'undone', attempts: 1 }, { actionId: 'a2', status: 'failed', attempts: 3 }] };
    assert.deepEqual(peeringsOf(undone), []);
  });

  it('describes states, with the sync level only when out of sync', () => {
    assert.equal(
      describeStatuses([
        { armId: 'x/hub-to-dev', name: 'hub-to-dev', peeringState: 'Connected', syncLevel: 'FullyInSync' },
        { armId: 'x/dev-to-hub', name: 'dev-to-hub', peeringState: 'Connected', syncLevel: 'LocalNotInSync' },
      ]),
      'hub-to-dev: Connected, dev-to-hub: Connected (LocalNotInSync)',
    );
  });
});
