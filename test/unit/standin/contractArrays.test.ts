import assert from 'node:assert/strict';
import { contractFor } from '../../standin/contract/contracts';
import { definitionIn, describeRef } from '../../standin/contract/definitions';
import { validateDocument } from '../../standin/contract/validate';
import { loadExample } from './exampleShapes';

const images = definitionIn('compute', '2026-04-01', 'ComputeRP.json#VirtualMachineImageResource[]');
const image = (name: string) => ({ name, location: 'westeurope', id: `/Subscriptions/s/Providers/Microsoft.Compute/Locations/westeurope/Publishers/${name}` });

describe('REST contract: array-typed documents', () => {
  it('reads `#X[]` as an array of X, and names it so', () => {
    assert.deepEqual([images.name, images.array], ['VirtualMachineImageResource', true]);
    assert.match(describeRef(images), /ComputeRP\.json#\/definitions\/VirtualMachineImageResource\[\]$/);
    assert.equal(definitionIn('compute', '2026-04-01', 'ComputeRP.json#VirtualMachineImage').array, undefined);
  });

  it('accepts an array whose items match, including an empty one', () => {
    assert.deepEqual(validateDocument([image('Canonical'), image('MicrosoftWindowsServer')], images, 'response'), []);
    assert.deepEqual(validateDocument([], images, 'response'), []);
  });

  it('refuses an object where the array belongs, and the definition itself where its array belongs', () => {
    const wrapped = validateDocument({ value: [image('Canonical')] }, images, 'response');
    assert.deepEqual(wrapped.map((violation) => violation.kind), ['type']);
    const single = validateDocument(image('Canonical'), images, 'response');
    assert.deepEqual(single.map((violation) => violation.kind), ['type']);
  });

  it('checks every item against the definition, with the index in the path', () => {
    const violations = validateDocument([image('Canonical'), { ...image('Other'), publisher: 'x' }, { id: 'only-an-id' }], images, 'response');
    assert.deepEqual(
      violations.map((violation) => [violation.kind, violation.path]),
      [['unknownProperty', '[1].publisher'], ['required', '[2].name'], ['required', '[2].location']],
    );
  });

  it('checks a non-array definition as before (an array there is refused)', () => {
    const single = definitionIn('compute', '2026-04-01', 'ComputeRP.json#VirtualMachineImageResource');
    assert.deepEqual(validateDocument(image('Canonical'), single, 'response'), []);
    assert.deepEqual(validateDocument([image('Canonical')], single, 'response').map((violation) => violation.kind), ['type']);
  });

  it('passes the official VirtualMachineImages examples: an array body for ListSkus, an object for Get', () => {
    const folder = 'compute/resource-manager/Microsoft.Compute/Compute/stable/2026-04-01/examples/virtualMachineImageExamples';
    const listSkus = loadExample(`${folder}/VirtualMachineImage_ListSkus_MinimumSet_Gen.json`).responses['200'].body;
    assert.ok(Array.isArray(listSkus));
    assert.deepEqual(validateDocument(listSkus, images, 'response'), []);
    const get = loadExample(`${folder}/VirtualMachineImage_Get_MinimumSet_Gen.json`).responses['200'].body;
    assert.deepEqual(validateDocument(get, definitionIn('compute', '2026-04-01', 'ComputeRP.json#VirtualMachineImage'), 'response'), []);
    assert.deepEqual(validateDocument([get], definitionIn('compute', '2026-04-01', 'ComputeRP.json#VirtualMachineImage'), 'response').map((violation) => violation.kind), ['type']);
  });

  it('maps the image list operations to array responses and the image get to an object', () => {
    const list = contractFor('compute', '2026-04-01', 'GET', '/subscriptions/{subscriptionId}/providers/Microsoft.Compute/locations/{location}/publishers');
    assert.equal(list?.operationId, 'VirtualMachineImages_ListPublishers');
    assert.deepEqual([list?.responses[200].name, list?.responses[200].array], ['VirtualMachineImageResource', true]);
    const get = contractFor('compute', '2026-04-01', 'GET', '/subscriptions/{s}/providers/Microsoft.Compute/locations/{l}/publishers/{p}/artifacttypes/vmimage/offers/{o}/skus/{k}/versions/{v}');
    assert.deepEqual([get?.operationId, get?.responses[200].name, get?.responses[200].array], ['VirtualMachineImages_Get', 'VirtualMachineImage', undefined]);
  });
});
