import { configStatusColumns } from './columns.js';
import { configStatus, objectName, selectorList } from '../common-schemas.js';
import { patterns } from '../patterns.js';
import { boolean, integer, object, string } from '../schema-dsl.js';
import type { KindDefinition } from '../schema-dsl.js';

const asn = (description: string) =>
  integer(description, { format: 'int64', minimum: 1, maximum: 4294967295 });

const duration = (description: string) =>
  string(description, {
    pattern: patterns.duration,
    patternDoc: 'a duration such as `90s`, `1m30s` (Go syntax); whole seconds',
    maxLength: 32,
  });

export const bgpPeer: KindDefinition = {
  kind: 'BGPPeer',
  plural: 'bgppeers',
  singular: 'bgppeer',
  shortNames: ['bgpp'],
  description:
    'A BGP router that the speakers on the selected nodes open a session to (RFC 4271, with 4-octet AS numbers, ' +
    'RFC 6793, and multiprotocol extensions for IPv6, RFC 4760).',
  spec: object(
    {
      myASN: asn('The local AS number (1-4294967295; 23456 is AS_TRANS and is refused).'),
      peerASN: asn('The AS number of the router. Equal to `myASN`: iBGP; different: eBGP.'),
      peerAddress: string('The address of the router (IPv4 or IPv6).', {
        pattern: patterns.ipAddress,
        patternDoc: 'an IPv4 or IPv6 address',
        maxLength: 45,
      }),
      peerPort: integer('The TCP port of the router.', {
        format: 'int32',
        minimum: 1,
        maximum: 65535,
        default: 179,
      }),
      sourceAddress: string(
        'The local address of the session, of the same family as `peerAddress`. It must exist on the node. ' +
          'Default: chosen by the kernel route to the peer.',
        { pattern: patterns.ipAddress, patternDoc: 'an IPv4 or IPv6 address', maxLength: 45 },
      ),
      routerID: string(
        'The BGP Identifier sent in OPEN. Default: the IPv4 address of the session, or for an IPv6 session an ' +
          'IPv4 address of the node.',
        { pattern: patterns.ipv4Address, patternDoc: 'an IPv4 address' },
      ),
      holdTime: duration(
        'The hold time proposed in OPEN: 0 (no keepalives) or 3s to 65535s. Default 90s, or 3 times ' +
          '`keepaliveTime` when only that is set.',
      ),
      keepaliveTime: duration(
        'The interval between KEEPALIVE messages; at most `holdTime`. Default: a third of the negotiated hold time.',
      ),
      connectTime: duration(
        'The ConnectRetry time (RFC 4271 section 8): the wait between connection attempts, 1s to 65535s. Default 10s.',
      ),
      password: string(
        'The TCP MD5 signature key (RFC 2385), in clear text. Prefer `passwordSecret`. Exclusive with it.',
        { minLength: 1, maxLength: 80 },
      ),
      passwordSecret: object(
        {
          name: objectName('The name of the Secret.'),
          namespace: string('The namespace of the Secret. Default: the namespace IronLB runs in.', {
            pattern: patterns.dnsLabel,
            patternDoc: 'a namespace name',
            maxLength: 63,
          }),
        },
        'A Secret of type `kubernetes.io/basic-auth` whose `password` key holds the TCP MD5 key. Exclusive with `password`.',
        { required: ['name'], typeName: 'SecretReference' },
      ),
      ebgpMultiHop: boolean(
        'The peer is more than one hop away: send with TTL 255 instead of 1. Only for eBGP (iBGP sessions are ' +
          'always multi-hop).',
        { default: false },
      ),
      enableGracefulRestart: boolean(
        'Advertise the Graceful Restart capability (RFC 4724) so that the router keeps our routes while a speaker ' +
          'restarts.',
        { default: false },
      ),
      gracefulRestartTime: duration(
        'The Restart Time advertised with graceful restart, 1s to 4095s. Default 120s.',
      ),
      bfdProfile: objectName(
        'The name of a BFDProfile: run BFD (RFC 5880, RFC 5881/5883) with the peer and take the session down as ' +
          'soon as BFD says the path is down.',
      ),
      nodeSelectors: selectorList(
        'Only speakers on nodes whose labels match at least one of these selectors peer with this router. Empty: all nodes.',
      ),
      dualStackAddressFamily: boolean(
        'Negotiate both IPv4 and IPv6 unicast on this session, so that addresses of both families are advertised ' +
          'over it. When false, only the family of `peerAddress` is negotiated.',
        { default: false },
      ),
    },
    'The router to peer with, and how.',
    { required: ['myASN', 'peerASN', 'peerAddress'], typeName: 'BGPPeerSpec' },
  ),
  status: configStatus(
    'BGPPeerStatus',
    "Conditions written by the controller. Session state is in each node's SpeakerStatus.",
  ),
  printerColumns: [
    { name: 'Address', type: 'string', jsonPath: '.spec.peerAddress', description: 'Router address.' },
    { name: 'ASN', type: 'integer', jsonPath: '.spec.myASN', description: 'Local AS number.' },
    { name: 'Peer ASN', type: 'integer', jsonPath: '.spec.peerASN', description: 'Router AS number.' },
    {
      name: 'Port',
      type: 'integer',
      jsonPath: '.spec.peerPort',
      description: 'Router TCP port.',
      priority: 1,
    },
    { name: 'BFD Profile', type: 'string', jsonPath: '.spec.bfdProfile', description: 'BFD profile used.' },
    {
      name: 'Multi Hop',
      type: 'boolean',
      jsonPath: '.spec.ebgpMultiHop',
      description: 'Whether the eBGP peer is more than one hop away.',
      priority: 1,
    },
    ...configStatusColumns,
  ],
  example: {
    metadata: { name: 'tor-a' },
    spec: {
      myASN: 64512,
      peerASN: 64501,
      peerAddress: '192.0.2.254',
      holdTime: '9s',
      bfdProfile: 'fast',
      passwordSecret: { name: 'tor-a-md5', namespace: 'ironlb-system' },
      nodeSelectors: [{ matchLabels: { rack: 'a' } }],
    },
  },
};
