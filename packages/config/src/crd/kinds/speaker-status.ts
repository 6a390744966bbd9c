import { ageColumn, conditionList, objectName } from '../common-schemas.js';
import { patterns } from '../patterns.js';
import { array, integer, object, string } from '../schema-dsl.js';
import type { KindDefinition } from '../schema-dsl.js';

const count = (description: string) => integer(description, { format: 'int32', minimum: 0 });
const time = (description: string) => string(description, { format: 'date-time' });
const ip = (description: string) =>
  string(description, { pattern: patterns.ipAddress, patternDoc: 'an IPv4 or IPv6 address', maxLength: 45 });

const bgpSession = object(
  {
    peer: objectName('The name of the BGPPeer.'),
    peerAddress: ip('The address of the router.'),
    peerASN: integer('The AS number of the router.', { format: 'int64', minimum: 0, maximum: 4294967295 }),
    state: string('The RFC 4271 section 8 state of the session.', {
      enum: ['Idle', 'Connect', 'Active', 'OpenSent', 'OpenConfirm', 'Established'],
    }),
    lastTransitionTime: time('When `state` last changed.'),
    lastError: string('The last error: a NOTIFICATION sent or received, or a connection error.', {
      maxLength: 1024,
    }),
    holdTime: integer('The negotiated hold time, when established.', {
      format: 'int32',
      minimum: 0,
      maximum: 65535,
      unit: 'seconds',
    }),
    advertisedPrefixes: count('Prefixes currently advertised on this session.'),
    bfdState: string('The RFC 5880 state of the BFD session, when the peer has a BFD profile.', {
      enum: ['AdminDown', 'Down', 'Init', 'Up'],
    }),
  },
  'One BGP session of this speaker.',
  { required: ['peer', 'peerAddress', 'state'], typeName: 'SpeakerBGPSession' },
);

const announcement = object(
  {
    ip: ip('The announced address.'),
    service: object(
      {
        namespace: string('The namespace of the Service.', { pattern: patterns.dnsLabel, maxLength: 63 }),
        name: objectName('The name of the Service.'),
      },
      'The Service the address belongs to (the first one, for a shared address).',
      { required: ['namespace', 'name'], typeName: 'ServiceReference' },
    ),
    protocol: string('How the address is announced.', { enum: ['layer2', 'bgp'] }),
    interfaces: array(
      string('An interface name.', { pattern: patterns.interfaceName }),
      'Layer 2: interfaces used.',
      {
        listType: 'set',
      },
    ),
    peers: array(objectName('A BGPPeer name.'), 'BGP: peers the address is advertised to.', {
      listType: 'set',
    }),
  },
  'An address this speaker announces.',
  { required: ['ip', 'protocol'], typeName: 'SpeakerAnnouncement' },
);

const member = object(
  {
    node: objectName('The node of the speaker.'),
    address: ip('The address the member is reached at.'),
    state: string('The state this speaker sees (`Unknown`: never heard from since this speaker started).', {
      enum: ['Unknown', 'Alive', 'Suspect', 'Dead', 'Left'],
    }),
    lastTransitionTime: time('When `state` last changed.'),
  },
  "A speaker as seen by this speaker's failure detector.",
  { required: ['node', 'state'], typeName: 'SpeakerMember' },
);

export const speakerStatus: KindDefinition = {
  kind: 'SpeakerStatus',
  plural: 'speakerstatuses',
  singular: 'speakerstatus',
  shortNames: ['spst'],
  description:
    'What the speaker on one node is doing: its BGP sessions, the addresses it announces and the speakers it sees ' +
    'alive. Written by the speaker; one object per node, named after the node.',
  spec: object(
    {
      nodeName: objectName('The node this speaker runs on.'),
      memberAddress: ip(
        "The address other speakers reach this speaker's failure detector at (UDP). Written by the speaker at start.",
      ),
      memberPort: integer("The UDP port of this speaker's failure detector.", {
        format: 'int32',
        minimum: 1,
        maximum: 65535,
      }),
      hardwareAddresses: array(
        string('A MAC address, lower case, colon separated.', {
          pattern: '^([0-9a-f]{2}:){5}[0-9a-f]{2}$',
          patternDoc: 'a MAC address such as `02:00:c0:00:02:0b`',
          maxLength: 17,
        }),
        'The MAC addresses of the interfaces this speaker announces on, so that other speakers can tell which node answers for an address in a layer-2 conflict.',
        { listType: 'set', maxItems: 64 },
      ),
    },
    'Identifies the speaker and how other speakers reach it.',
    {
      required: ['nodeName'],
      typeName: 'SpeakerStatusSpec',
    },
  ),
  status: object(
    {
      observedGeneration: integer('The `metadata.generation` that the status describes.', {
        format: 'int64',
        minimum: 0,
      }),
      lastUpdateTime: time('When the speaker last wrote this status.'),
      announcedIPs: count('The number of addresses announced by this speaker.'),
      bgpSessionsEstablished: count('BGP sessions in state Established.'),
      bgpSessionsConfigured: count('BGP sessions this speaker should have.'),
      membersAlive: count('Speakers (this one included) seen alive.'),
      bgpSessions: array(bgpSession, 'BGP sessions of this speaker.', {
        listType: 'map',
        listMapKeys: ['peer'],
      }),
      announcements: array(announcement, 'Addresses announced by this speaker.', { listType: 'atomic' }),
      members: array(member, 'Speakers seen by the failure detector.', {
        listType: 'map',
        listMapKeys: ['node'],
      }),
      conditions: conditionList('Conditions written by the speaker, e.g. `Ready`.'),
    },
    'The observed state of the speaker.',
    { typeName: 'SpeakerStatusStatus' },
  ),
  printerColumns: [
    { name: 'Node', type: 'string', jsonPath: '.spec.nodeName', description: 'Node of the speaker.' },
    {
      name: 'Announced',
      type: 'integer',
      jsonPath: '.status.announcedIPs',
      description: 'Addresses announced.',
    },
    {
      name: 'BGP Up',
      type: 'integer',
      jsonPath: '.status.bgpSessionsEstablished',
      description: 'BGP sessions established.',
    },
    {
      name: 'BGP Peers',
      type: 'integer',
      jsonPath: '.status.bgpSessionsConfigured',
      description: 'BGP sessions configured.',
    },
    {
      name: 'Members',
      type: 'integer',
      jsonPath: '.status.membersAlive',
      description: 'Speakers seen alive.',
    },
    {
      name: 'Updated',
      type: 'date',
      jsonPath: '.status.lastUpdateTime',
      description: 'Time since the last status write.',
      priority: 1,
    },
    ageColumn,
  ],
  example: {
    metadata: { name: 'node-1' },
    spec: { nodeName: 'node-1', memberAddress: '192.0.2.11', memberPort: 7946 },
  },
};
