import { configStatusColumns } from './columns.js';
import { configStatus, labelSelector, nameList, selectorList } from '../common-schemas.js';
import { patterns } from '../patterns.js';
import { array, integer, object, string } from '../schema-dsl.js';
import type { KindDefinition } from '../schema-dsl.js';

export const l2Advertisement: KindDefinition = {
  kind: 'L2Advertisement',
  plural: 'l2advertisements',
  singular: 'l2advertisement',
  shortNames: ['l2adv'],
  description:
    'Announces the addresses of some pools in layer-2 mode: one elected node per address answers ARP (IPv4) and ' +
    'NDP (IPv6) for it and sends gratuitous ARP / unsolicited NA when it takes over.',
  spec: object(
    {
      ipAddressPools: nameList('Names of the IPAddressPools to announce.'),
      ipAddressPoolSelectors: selectorList(
        'Announce the pools whose labels match at least one of these selectors. With neither `ipAddressPools` ' +
          'nor `ipAddressPoolSelectors`, every pool is announced.',
      ),
      nodeSelectors: selectorList(
        'Only nodes whose labels match at least one of these selectors take part in the election. Empty: all nodes.',
      ),
      preferredNodeSelectors: array(
        object(
          {
            weight: integer('Added to the score of a node that matches `preference`.', {
              format: 'int32',
              minimum: 1,
              maximum: 100,
            }),
            preference: labelSelector,
          },
          'A weighted node preference.',
          { required: ['weight', 'preference'], typeName: 'PreferredNodeSelector' },
        ),
        'Soft preference among the nodes allowed by `nodeSelectors`: each node scores the sum of the weights of ' +
          'the preferences it matches (over all matching L2Advertisements), and the election ranks higher scores ' +
          'first; the hash ranking breaks ties. Empty: no preference.',
        { listType: 'atomic' },
      ),
      interfaces: array(
        string('A network interface name.', {
          pattern: patterns.interfaceName,
          patternDoc: 'a Linux interface name (1-15 characters, no `/`, `:` or whitespace)',
        }),
        'Announce only on these interfaces. Empty: all interfaces. Interfaces are the union over all matching ' +
          'L2Advertisements; they do not take part in the election.',
        { listType: 'set' },
      ),
      serviceSelectors: selectorList(
        'Only Services whose labels match at least one of these selectors are announced by this advertisement. Empty: all.',
      ),
    },
    'Which pools are announced in layer-2 mode, from which nodes and interfaces.',
    { typeName: 'L2AdvertisementSpec' },
  ),
  status: configStatus('L2AdvertisementStatus', 'Conditions written by the controller.'),
  printerColumns: [
    {
      name: 'IPAddressPools',
      type: 'string',
      jsonPath: '.spec.ipAddressPools',
      description: 'Pools announced.',
    },
    {
      name: 'IPAddressPool Selectors',
      type: 'string',
      jsonPath: '.spec.ipAddressPoolSelectors',
      description: 'Selectors of pools announced.',
      priority: 1,
    },
    { name: 'Interfaces', type: 'string', jsonPath: '.spec.interfaces', description: 'Interfaces used.' },
    {
      name: 'Node Selectors',
      type: 'string',
      jsonPath: '.spec.nodeSelectors',
      description: 'Nodes that may announce.',
      priority: 1,
    },
    ...configStatusColumns,
  ],
  example: {
    metadata: { name: 'blue-l2' },
    spec: {
      ipAddressPools: ['blue'],
      nodeSelectors: [{ matchLabels: { 'ironlb.io/edge': 'true' } }],
      interfaces: ['eth0'],
    },
  },
};
