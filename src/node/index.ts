/** rxwamp/node: Node-only listeners (WebSocket, RawSocket over TCP and Unix sockets) and transports. */
export {};
export * from './transport-server.js';
export * from './socket-duplex.js';
export * from './connect-rawsocket.js';
export * from './serve-rawsocket.js';
export * from './serve-websocket.js';
export * from './listen.js';
export * from './router-config.js';
export { natsCluster } from './cluster/nats-cluster.js';
export type { NatsClusterOptions } from './cluster/nats-cluster.js';
