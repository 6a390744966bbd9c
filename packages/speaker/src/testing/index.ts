// @ironlb/speaker/testing: builders of the speaker's inputs and recording fakes of the ports
// the speaker drives.
export { nodeView, serviceView, sliceView, speakerConfigOf } from './builders.js';
export { FakeBgpPort, FakeL2Port, FakeMembershipPort, FakeStatusPort } from './fake-ports.js';
export { nodeObject, serviceObject, sliceObject } from './objects.js';
