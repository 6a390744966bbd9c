import { configStatusColumns } from './columns.js';
import { configStatus, objectName } from '../common-schemas.js';
import { patterns } from '../patterns.js';
import { boolean, integer, object, string } from '../schema-dsl.js';
import type { KindDefinition } from '../schema-dsl.js';

const interval = (description: string, def: number) =>
  integer(description, { format: 'int32', minimum: 10, maximum: 60000, default: def, unit: 'milliseconds' });

export const bfdProfile: KindDefinition = {
  kind: 'BFDProfile',
  plural: 'bfdprofiles',
  singular: 'bfdprofile',
  shortNames: ['bfdp'],
  description:
    'Timers of Bidirectional Forwarding Detection (RFC 5880) for the BGP peers that name this profile: with the ' +
    'defaults, a dead path is detected in under a second instead of a BGP hold time.',
  spec: object(
    {
      receiveInterval: interval(
        'Required Min RX Interval: the minimum interval between received control packets this system supports.',
        300,
      ),
      transmitInterval: interval(
        'Desired Min TX Interval: the minimum interval at which this system wants to send control packets.',
        300,
      ),
      detectMultiplier: integer(
        'Detect Mult: the session goes down after this many intervals without a packet.',
        { format: 'int32', minimum: 2, maximum: 255, default: 3 },
      ),
      echoMode: boolean('Use the Echo function (RFC 5880 section 6.4) in addition to control packets.', {
        default: false,
      }),
      echoInterval: interval('Required Min Echo RX Interval, when `echoMode` is on.', 50),
      passiveMode: boolean(
        'Do not send control packets until the peer does (RFC 5880 section 6.1, Passive role).',
        { default: false },
      ),
      minimumTtl: integer('For multi-hop sessions (RFC 5883): drop packets whose TTL is below this value.', {
        format: 'int32',
        minimum: 1,
        maximum: 254,
        default: 254,
      }),
      authentication: object(
        {
          type: string('The authentication type (RFC 5880 section 6.7).', {
            enum: ['SimplePassword', 'KeyedMD5', 'MeticulousKeyedMD5', 'KeyedSHA1', 'MeticulousKeyedSHA1'],
          }),
          keyID: integer('Auth Key ID, which the router must use too.', {
            format: 'int32',
            minimum: 0,
            maximum: 255,
            default: 1,
          }),
          secret: object(
            {
              name: objectName('The name of the Secret.'),
              namespace: string('The namespace of the Secret. Default: the namespace IronLB runs in.', {
                pattern: patterns.dnsLabel,
                patternDoc: 'a namespace name',
                maxLength: 63,
              }),
              key: string('The key in the Secret that holds the password or key.', {
                minLength: 1,
                maxLength: 253,
                default: 'password',
              }),
            },
            'The Secret holding the password (1-16 bytes for SimplePassword and MD5, 1-20 bytes for SHA1).',
            { required: ['name'], typeName: 'SecretKeyReference' },
          ),
        },
        'Authenticate BFD control packets. Unset: no authentication.',
        { required: ['type', 'secret'], typeName: 'BFDAuthentication' },
      ),
    },
    'BFD session parameters.',
    { typeName: 'BFDProfileSpec', default: {} },
  ),
  status: configStatus('BFDProfileStatus', 'Conditions written by the controller.'),
  printerColumns: [
    {
      name: 'Receive',
      type: 'integer',
      jsonPath: '.spec.receiveInterval',
      description: 'Required Min RX (ms).',
    },
    {
      name: 'Transmit',
      type: 'integer',
      jsonPath: '.spec.transmitInterval',
      description: 'Desired Min TX (ms).',
    },
    { name: 'Multiplier', type: 'integer', jsonPath: '.spec.detectMultiplier', description: 'Detect Mult.' },
    {
      name: 'Echo',
      type: 'boolean',
      jsonPath: '.spec.echoMode',
      description: 'Echo function on.',
      priority: 1,
    },
    {
      name: 'Passive',
      type: 'boolean',
      jsonPath: '.spec.passiveMode',
      description: 'Passive role.',
      priority: 1,
    },
    ...configStatusColumns,
  ],
  example: {
    metadata: { name: 'fast' },
    spec: { receiveInterval: 100, transmitInterval: 100, detectMultiplier: 3 },
  },
};
