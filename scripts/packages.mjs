// The package map: one row per workspace package, its layer and whether it is pure.
// Read by the layering lint rule (eslint.config.js) and by scripts/new-package.mjs.
// Layer numbers follow ARCHITECTURE.md: imports may only go to a lower or equal layer
// (equal only where the row lists the package in `mayImport`).
export const packages = {
  netaddr: {
    layer: 0,
    pure: true,
    mayImport: ['wire'],
    description: 'IPv4/IPv6 addresses, prefixes and ranges as values',
  },
  wire: { layer: 0, pure: true, description: 'Bounded byte readers/writers, codec interface, DecodeError' },
  ipam: {
    layer: 1,
    pure: true,
    description: 'The IP address allocator: pools, sharing, dual-stack, counters',
  },
  config: {
    layer: 1,
    pure: true,
    mayImport: ['ipam'],
    description: 'CRD types, whole-configuration validation, conversion to domain types',
  },
  bgp: {
    layer: 2,
    pure: false,
    coreDir: true,
    description: 'BGP-4 codec, FSM (pure core) and sessions (node)',
  },
  bfd: {
    layer: 2,
    pure: false,
    coreDir: true,
    description: 'BFD codec, state machine (pure core) and UDP sessions (node)',
  },
  l2: {
    layer: 2,
    pure: false,
    coreDir: true,
    description: 'Ethernet/ARP/NDP codecs, responder (pure core) and announcer (node)',
  },
  membership: {
    layer: 2,
    pure: false,
    coreDir: true,
    description: 'Authenticated SWIM-style failure detection among speakers',
  },
  // sys sits below the protocol node/ sides that load it (l2, bgp, bfd), so it is layer 1 though not pure.
  sys: { layer: 1, pure: false, description: 'Native addon: AF_PACKET, TCP MD5, socket TTL, multicast' },
  kube: { layer: 2, pure: false, description: 'Controller runtime over @kubernetes/client-node' },
  emulator: { layer: 2, pure: false, description: 'Kubernetes API server emulator for tests and the lab' },
  netlab: {
    layer: 2,
    pure: false,
    description: 'Network namespaces, veth, bridges, FRR/BIRD/ExaBGP for tests and the lab',
  },
  controller: { layer: 3, pure: false, description: 'The IP allocation controller' },
  speaker: {
    layer: 3,
    pure: false,
    description: 'The per-node speaker: election, layer 2 and BGP announcement',
  },
  lab: {
    layer: 3,
    pure: false,
    mayImport: ['controller', 'speaker'],
    description: 'The local lab: emulated cluster, speakers in namespaces, a real router',
  },
  cli: { layer: 4, pure: false, description: 'The ironlb command line: the composition root' },
};
