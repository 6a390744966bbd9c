// @ironlb/speaker/testing: builders of the speaker's inputs and recording fakes of the ports
// the speaker drives.
export { nodeView, serviceView, sliceView, speakerConfigOf } from './builders.js';
