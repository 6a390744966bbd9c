import { configStatusColumns } from './columns.js';
import { configStatus, nameList, selectorList } from '../common-schemas.js';
import { patterns } from '../patterns.js';
import { array, integer, object, string } from '../schema-dsl.js';
import type { KindDefinition } from '../schema-dsl.js';

export const bgpAdvertisement: KindDefinition = {
  kind: 'BGPAdvertisement',
  plural: 'bgpadvertisements',
  singular: 'bgpadvertisement',
  shortNames: ['bgpadv'],
  description:
    'Advertises the addresses of some pools over BGP: every selected node announces each Service address (or ' +
    'its aggregate) with itself as next hop, so routers spread traffic across the nodes (ECMP).',
  spec: object(
    {
      aggregationLength: integer(
        'The prefix length advertised for IPv4 addresses: 32 advertises each address; shorter lengths advertise ' +
          'the covering prefix once. Must not be shorter than the prefix length of any CIDR of a selected pool.',
        { format: 'int32', minimum: 1, maximum: 32, default: 32 },
      ),
      aggregationLengthV6: integer('The same as `aggregationLength`, for IPv6 addresses.', {
        format: 'int32',
        minimum: 1,
        maximum: 128,
        default: 128,
      }),
      localPref: integer(
        'The LOCAL_PREF attribute (RFC 4271 section 5.1.5). Sent to iBGP peers only; unset: not sent.',
        { format: 'int64', minimum: 0, maximum: 4294967295 },
      ),
      communities: array(
        string('A community.', {
          pattern: patterns.community,
          patternDoc:
            '`AS:value` (each 0-65535), a well-known name (`no-export`, `no-advertise`, `no-export-subconfed`, ' +
            '`no-peer`, `blackhole`, `graceful-shutdown`, `accept-own`) or `large:G:L1:L2` (MetalLB spelling of a large community)',
        }),
        'BGP communities (RFC 1997) attached to the routes.',
        { listType: 'set' },
      ),
      largeCommunities: array(
        string('A large community.', {
          pattern: patterns.largeCommunity,
          patternDoc: '`global:local1:local2`, each 0-4294967295',
        }),
        'BGP large communities (RFC 8092) attached to the routes.',
        { listType: 'set' },
      ),
      peers: nameList('Names of the BGPPeers to advertise to. Empty: all peers.'),
      ipAddressPools: nameList('Names of the IPAddressPools to advertise.'),
      ipAddressPoolSelectors: selectorList(
        'Advertise the pools whose labels match at least one of these selectors. With neither `ipAddressPools` ' +
          'nor `ipAddressPoolSelectors`, every pool is advertised.',
      ),
      nodeSelectors: selectorList(
        'Only nodes whose labels match at least one of these selectors advertise (are next hops). Empty: all nodes.',
      ),
      serviceSelectors: selectorList(
        'Only Services whose labels match at least one of these selectors are advertised. Empty: all. Not allowed ' +
          'with an aggregation length other than the default (an aggregate covers Services of any label).',
      ),
    },
    'Which pools are advertised to which peers, and with which attributes.',
    { typeName: 'BGPAdvertisementSpec' },
  ),
  status: configStatus('BGPAdvertisementStatus', 'Conditions written by the controller.'),
  printerColumns: [
    {
      name: 'IPAddressPools',
      type: 'string',
      jsonPath: '.spec.ipAddressPools',
      description: 'Pools advertised.',
    },
    { name: 'Peers', type: 'string', jsonPath: '.spec.peers', description: 'Peers advertised to.' },
    {
      name: 'Aggregation',
      type: 'integer',
      jsonPath: '.spec.aggregationLength',
      description: 'IPv4 prefix length advertised.',
      priority: 1,
    },
    {
      name: 'Local Pref',
      type: 'integer',
      jsonPath: '.spec.localPref',
      description: 'LOCAL_PREF sent to iBGP peers.',
    },
    {
      name: 'Communities',
      type: 'string',
      jsonPath: '.spec.communities',
      description: 'Communities attached.',
      priority: 1,
    },
    ...configStatusColumns,
  ],
  example: {
    metadata: { name: 'blue-bgp' },
    spec: {
      ipAddressPools: ['blue'],
      peers: ['tor-a'],
      communities: ['64512:100', 'no-export'],
      largeCommunities: ['64512:1:2'],
    },
  },
};
