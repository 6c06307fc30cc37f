export { NatsError, type NatsErrorCode } from './NatsError';
