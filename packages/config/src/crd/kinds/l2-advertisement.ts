import { configStatusColumns } from './columns.js';
import { configStatus, nameList, selectorList } from '../common-schemas.js';
import { patterns } from '../patterns.js';
import { array, object, string } from '../schema-dsl.js';
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
