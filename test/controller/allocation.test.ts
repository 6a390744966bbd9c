// Allocation scenarios against the emulator, the controller with an admin identity.
import { describe } from 'vitest';
import { allocationScenarios } from './scenarios.js';

describe('controller scenarios (admin)', () => {
  allocationScenarios({ asServiceAccount: false });
});
