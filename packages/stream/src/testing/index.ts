export { CheckpointRecorder } from './CheckpointRecorder';
