/** rxwamp/router: the WAMP router (broker and dealer), transport-agnostic. */
export {};
