/** The part of fox-wamp (a JavaScript WAMP router on npm, no bundled types) the interop specs use. */
declare module 'fox-wamp' {
  import type { WebSocketServer } from 'ws';

  /** fox-wamp's router: realms are created on first use; listenWAMP serves WAMP over WebSocket (JSON only). */
  export default class FoxRouter {
    constructor();
    listenWAMP(options: { host?: string; port?: number; path?: string }): WebSocketServer;
    setLogTrace(trace: boolean): void;
  }
}
