export { sampleJobStatus } from './sampleJobStatus';
