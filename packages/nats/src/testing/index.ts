export {
  INSTALL_NATS_SERVER,
  findNatsServer,
  freePort,
  jetStreamBlockFiles,
  jetStreamInfo,
  startNatsCluster,
  waitForMetaLeader,
  startNatsServer,
  type NatsServerHandle,
  type NatsServerOptions,
} from './natsServer';
