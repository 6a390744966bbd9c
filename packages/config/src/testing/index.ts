// @ironlb/config/testing: builders of configuration objects for tests.
export { bfdProfile, bgpAdvertisement, bgpPeer, l2Advertisement, pool } from './builders.js';
