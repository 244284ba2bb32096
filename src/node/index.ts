/** rxwamp/node: Node-only listeners (WebSocket, RawSocket over TCP, TLS and Unix sockets), attach() to an app's server, and transports. */
export {};
export * from './transport-server.js';
export * from './socket-duplex.js';
export * from './connect-rawsocket.js';
export * from './serve-rawsocket.js';
export * from './serve-websocket.js';
export * from './listen.js';
export * from './router-config.js';
export * from './attach.js';
export * from './tls-listener.js';
export * from './tls-channel.js';
export * from './connect-secure-websocket.js';
export * from './tls-connect-options.js';
