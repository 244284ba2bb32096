/**
 * The client side of the WAMP session state machine:
 * establishing (HELLO sent) → authenticating (CHALLENGE answered) → established (WELCOME)
 * → closing (our GOODBYE sent) → closed. Any state may jump to closed (ABORT, violation,
 * transport loss).
 */
export type SessionState = 'establishing' | 'authenticating' | 'established' | 'closing' | 'closed';
