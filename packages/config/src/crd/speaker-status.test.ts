import { describe, expect, it } from 'vitest';
import { kindDefinition } from './definitions.js';
import { validateSchema } from './validate-schema.js';

// The speaker publishes how other speakers reach its failure detector, and its MACs (to name
// the node behind a MAC in a layer-2 conflict), in SpeakerStatus.spec.
describe('SpeakerStatus spec', () => {
  const spec = kindDefinition('SpeakerStatus')!.spec;

  it('accepts the membership address, port and MAC addresses', () => {
    const value = {
      nodeName: 'node1',
      memberAddress: '2001:db8::11',
      memberPort: 7946,
      hardwareAddresses: ['02:00:c0:00:02:0b'],
    };
    expect(validateSchema(spec, value, 'spec')).toEqual([]);
  });

  it('accepts every member state the speaker reports', () => {
    for (const state of ['Unknown', 'Alive', 'Suspect', 'Dead', 'Left']) {
      const status = kindDefinition('SpeakerStatus')!.status!;
      expect(validateSchema(status, { members: [{ node: 'node2', state }] }, 'status')).toEqual([]);
    }
  });

  it.each([
    ['a port out of range', { memberPort: 0 }, 'spec.memberPort'],
    ['an upper-case MAC', { hardwareAddresses: ['02:00:C0:00:02:0B'] }, 'spec.hardwareAddresses[0]'],
    ['a MAC with dashes', { hardwareAddresses: ['02-00-c0-00-02-0b'] }, 'spec.hardwareAddresses[0]'],
    ['not an address', { memberAddress: 'node1' }, 'spec.memberAddress'],
  ])('rejects %s', (_, extra, field) => {
    const errors = validateSchema(spec, { nodeName: 'node1', ...extra }, 'spec');
    expect(errors.map((e) => e.field)).toEqual([field]);
  });
});
