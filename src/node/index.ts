/** rxwamp/node: Node-only listeners (WebSocket, RawSocket over TCP and Unix sockets) and transports. */
export {};
