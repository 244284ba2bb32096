import type { Observable } from 'rxjs';
import type { Dict } from '../protocol/dict.js';
import type { MatchPolicy } from '../protocol/uri.js';
import type { PptOptions } from './ppt/ppt-mode.js';
import type { WampError } from '../protocol/errors.js';

/** One RESULT of a call: a progressive one (`progress: true`) or the final one. */
export interface CallResult {
  readonly args: unknown[];
  readonly kwargs: Dict;
  readonly details: Dict;
  readonly progress: boolean;
}

/** One EVENT received on a subscription. */
export interface WampEvent {
  readonly args: unknown[];
  readonly kwargs: Dict;
  readonly details: Dict;
  /** The concrete topic: EVENT.Details.topic for pattern subscriptions, else the subscribed topic. */
  readonly topic: string;
  /** The publisher's session id, when the publisher disclosed it. */
  readonly publisher?: number;
  /** The publication id. */
  readonly publication: number;
}

/** A procedure registered with the router. */
export interface Registration {
  readonly id: number;
  readonly procedure: string;
}

/** A sent publication: `id` is the PUBLISHED publication id when `acknowledge` was asked for. */
export interface Publication {
  readonly id?: number;
}

/** How a caller asks the router to cancel a call (CANCEL.Options.mode). */
export type CancelMode = 'skip' | 'kill' | 'killnowait';

/** Options of `call`. Keys in snake_case go into CALL.Options as they are. */
export interface CallOptions extends PptOptions {
  /** Ask for progressive results (CALL.receive_progress). */
  receive_progress?: boolean;
  /** Call timeout in ms, enforced by the router (CALL.timeout; 0 = none). */
  timeout?: number;
  /** Disclose the caller's identity to the callee. */
  disclose_me?: boolean;
  /** The CANCEL mode used when the call's Observable is unsubscribed early (default `killnowait`). */
  cancelMode?: CancelMode;
  /** Further CALL.Options entries (implementation-specific `_keys`). */
  [key: string]: unknown;
}

/** The invocation policy of a shared registration. */
export type InvokePolicy = 'single' | 'roundrobin' | 'random' | 'first' | 'last';

/** Options of `register` (REGISTER.Options); `ppt_*` options set how every result is sent (else results mirror their invocation). */
export interface RegisterOptions extends PptOptions {
  match?: MatchPolicy;
  invoke?: InvokePolicy;
  disclose_caller?: boolean;
  /**
   * Called (on the callee) for an invocation whose passthru payload cannot be read (wrong
   * key, tampered, malformed): the handler does not run and the caller gets the same error.
   */
  onPayloadError?: (error: WampError, details: InvocationDetails) => void;
  [key: string]: unknown;
}

/** Options of `subscribe` (SUBSCRIBE.Options). */
export interface SubscribeOptions {
  match?: MatchPolicy;
  get_retained?: boolean;
  [key: string]: unknown;
}

/** Options of `publish` (PUBLISH.Options). */
export interface PublishOptions extends PptOptions {
  acknowledge?: boolean;
  exclude_me?: boolean;
  exclude?: number[];
  exclude_authid?: string[];
  exclude_authrole?: string[];
  eligible?: number[];
  eligible_authid?: string[];
  eligible_authrole?: string[];
  disclose_me?: boolean;
  retain?: boolean;
  [key: string]: unknown;
}

/** A chunk of a progressive call invocation, after the first INVOCATION. */
export interface InvocationChunk {
  readonly args: unknown[];
  readonly kwargs: Dict;
  /** True while more chunks follow. */
  readonly progress: boolean;
}

/** INVOCATION.Details as a handler sees it. */
export interface InvocationDetails extends Dict {
  /** The concrete procedure (pattern registrations). */
  procedure?: string;
  /** The caller's session id, when disclosed. */
  caller?: number;
  /** Whether the caller accepts progressive results. */
  receive_progress?: boolean;
  /** For a progressive call invocation: the chunks after the first one, in order. */
  chunks$?: Observable<InvocationChunk>;
}

/** What a handler may return to give both args and kwargs: `new WampResult([1], { k: 2 })`. */
export class WampResult {
  constructor(
    readonly args: unknown[] = [],
    readonly kwargs: Dict = {},
  ) {}
}

/** What a handler may return (or emit): a value becomes `args: [value]`, a WampResult its args and kwargs. */
export type HandlerValue = unknown;

/** A callee's procedure implementation. */
export type Handler = (args: unknown[], kwargs: Dict, details: InvocationDetails) => HandlerValue | Promise<HandlerValue> | Observable<HandlerValue>;
