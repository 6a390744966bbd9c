import { configStatusColumns } from './columns.js';
import { conditions, observedGeneration, selectorList } from '../common-schemas.js';
import { patterns } from '../patterns.js';
import { array, boolean, integer, object, string } from '../schema-dsl.js';
import type { KindDefinition } from '../schema-dsl.js';

const poolEntry = string(
  'A CIDR (`192.0.2.0/26`, `2001:db8::/120`), a range (`192.0.2.10-192.0.2.20`) or a single address.',
  {
    pattern: patterns.poolEntry,
    patternDoc: 'an IPv4 or IPv6 CIDR, a range `first-last` of one family, or a single address',
    maxLength: 100,
  },
);

const count = (description: string) => integer(description, { format: 'int64', minimum: 0 });

export const ipAddressPool: KindDefinition = {
  kind: 'IPAddressPool',
  plural: 'ipaddresspools',
  singular: 'ipaddresspool',
  shortNames: ['ipp', 'pool'],
  description:
    'A set of IPv4 and/or IPv6 addresses that the controller hands out to LoadBalancer Services, and the rules for which Services may use it.',
  spec: object(
    {
      addresses: array(
        poolEntry,
        'The addresses of the pool: any mix of CIDRs, ranges and single addresses of both families. ' +
          'Entries must not overlap each other or another pool.',
        { minItems: 1, maxItems: 1000, listType: 'atomic' },
      ),
      autoAssign: boolean(
        'Hand out addresses from this pool to Services that do not ask for it. When false, only Services that name ' +
          'the pool (annotation `ironlb.io/address-pool`) or request one of its addresses get one.',
        { default: true },
      ),
      avoidBuggyIPs: boolean(
        'Skip IPv4 addresses ending in `.0` and `.255`, which some old clients and routers mishandle.',
        { default: false },
      ),
      reservedAddresses: array(
        poolEntry,
        'Addresses inside the pool that are never handed out (gateways, addresses used outside Kubernetes). ' +
          'Same syntax as `addresses`.',
        { maxItems: 1000, listType: 'atomic' },
      ),
      serviceAllocation: object(
        {
          priority: integer(
            'Among pools whose scope matches a Service, the lowest priority is tried first. Pools without a ' +
              'priority come after pools with one.',
            { format: 'int32', minimum: 0, maximum: 2147483647 },
          ),
          namespaces: array(
            string('A namespace name.', {
              pattern: patterns.dnsLabel,
              patternDoc: 'a namespace name (RFC 1123 DNS label)',
              maxLength: 63,
            }),
            'Only Services in these namespaces may get addresses from this pool.',
            { listType: 'set' },
          ),
          namespaceSelectors: selectorList(
            'Only Services in namespaces whose labels match at least one of these selectors may get addresses from this pool.',
          ),
          serviceSelectors: selectorList(
            'Only Services whose labels match at least one of these selectors may get addresses from this pool.',
          ),
        },
        'Restricts which Services may use the pool, as in MetalLB: a Service must be in one of `namespaces` or in a ' +
          'namespace matched by `namespaceSelectors` (when either is given), and match one of `serviceSelectors` ' +
          '(when given). A scoped pool is tried before pools without a scope. Applies to explicit requests too.',
        { typeName: 'ServiceAllocation' },
      ),
    },
    'The desired state of the pool.',
    { required: ['addresses'], typeName: 'IPAddressPoolSpec' },
  ),
  status: object(
    {
      observedGeneration,
      assignedIPv4: count('IPv4 addresses assigned to Services.'),
      assignedIPv6: count('IPv6 addresses assigned to Services.'),
      availableIPv4: count('IPv4 addresses still free (reserved and avoided addresses excluded).'),
      availableIPv6: count(
        'IPv6 addresses still free. Saturates at 9007199254740991 (2^53-1), the largest integer JSON tools read exactly.',
      ),
      conditions,
    },
    'Address counts and conditions, written by the controller.',
    { typeName: 'IPAddressPoolStatus' },
  ),
  printerColumns: [
    {
      name: 'Addresses',
      type: 'string',
      jsonPath: '.spec.addresses',
      description: 'The addresses of the pool.',
    },
    {
      name: 'Auto Assign',
      type: 'boolean',
      jsonPath: '.spec.autoAssign',
      description: 'Whether the pool is used for any Service.',
    },
    {
      name: 'Assigned IPv4',
      type: 'integer',
      jsonPath: '.status.assignedIPv4',
      description: 'IPv4 addresses assigned.',
    },
    {
      name: 'Available IPv4',
      type: 'integer',
      jsonPath: '.status.availableIPv4',
      description: 'IPv4 addresses free.',
    },
    {
      name: 'Assigned IPv6',
      type: 'integer',
      jsonPath: '.status.assignedIPv6',
      description: 'IPv6 addresses assigned.',
    },
    {
      name: 'Available IPv6',
      type: 'integer',
      jsonPath: '.status.availableIPv6',
      description: 'IPv6 addresses free.',
    },
    {
      name: 'Avoid Buggy IPs',
      type: 'boolean',
      jsonPath: '.spec.avoidBuggyIPs',
      description: 'Whether .0 and .255 are skipped.',
      priority: 1,
    },
    ...configStatusColumns,
  ],
  example: {
    metadata: { name: 'blue' },
    spec: {
      addresses: ['192.0.2.0/26', '198.51.100.10-198.51.100.20', '2001:db8:1::/120'],
      reservedAddresses: ['192.0.2.1'],
      autoAssign: true,
      serviceAllocation: { priority: 10, namespaces: ['shop'] },
    },
  },
};
