import { Codes } from '../../protocol/message-table.js';
import { Observable } from 'rxjs';
import type { Subscriber } from 'rxjs';
import type { Dict } from '../../protocol/dict.js';
import { ProtocolViolation } from '../../protocol/errors.js';
import { createMessage } from '../../protocol/message.js';
import type { WampMessage } from '../../protocol/message.js';
import { AbandonedRequests } from '../abandoned-requests.js';
import type { Publication, PublishOptions } from '../role-types.js';
import type { RoleHandler, SessionContext, SessionEnd } from '../session-context.js';
import { wampErrorFrom } from '../wamp-error-from.js';
import { outboundPptMode } from '../ppt/ppt-mode.js';
import { wireOptions } from './options-key.js';

const LISTING_OPTIONS = ['exclude', 'exclude_authid', 'exclude_authrole', 'eligible', 'eligible_authid', 'eligible_authrole'] as const;

/** The publisher role of a session: PUBLISH, and PUBLISHED for acknowledged publications. */
export class PublisherRole implements RoleHandler {
  /** PUBLISH request id → the subscriber waiting for PUBLISHED. */
  readonly #pending = new Map<number, Subscriber<Publication>>();
  readonly #abandoned = new AbandonedRequests();

  constructor(private readonly ctx: SessionContext) {}

  /** Publishes on subscribe; completes once sent, or emits the PUBLISHED id first when `acknowledge` is set. */
  publish(topic: string, args?: unknown[], kwargs?: Dict, options: PublishOptions = {}): Observable<Publication> {
    return new Observable<Publication>((subscriber) => {
      this.ctx.assertOpen();
      this.#checkFeatures(options);
      const request = this.ctx.nextRequestId();
      const ppt = outboundPptMode(options);
      const message =
        ppt === undefined
          ? createMessage('PUBLISH', { Request: request, Options: wireOptions(options), Topic: topic, Arguments: args, ArgumentsKw: kwargs })
          : createMessage('PUBLISH', { Request: request, Options: { ...wireOptions(options), ...ppt }, Topic: topic, Arguments: this.ctx.payloads.pack(args, kwargs, ppt) });
      if (options.acknowledge !== true) {
        this.ctx.send(message);
        subscriber.complete();
        return;
      }
      this.#pending.set(request, subscriber);
      try {
        this.ctx.send(message);
      } catch (err) {
        this.#pending.delete(request);
        throw err;
      }
      return () => {
        if (this.#pending.delete(request)) this.#abandoned.add(request);
      };
    });
  }

  #checkFeatures(options: PublishOptions): void {
    if (options.exclude_me === false) this.ctx.requireFeature('broker', 'publisher_exclusion', 'publishing with exclude_me: false');
    if (options.disclose_me === true) this.ctx.requireFeature('broker', 'publisher_identification', 'publishing with disclose_me');
    if (options.retain === true) this.ctx.requireFeature('broker', 'event_retention', 'publishing with retain');
    if (options['ppt_scheme'] !== undefined) this.ctx.requireFeature('broker', 'payload_passthru_mode', 'publishing in payload passthru mode (ppt_scheme)');
    for (const key of LISTING_OPTIONS) {
      if (options[key] !== undefined) this.ctx.requireFeature('broker', 'subscriber_blackwhite_listing', `publishing with ${key}`);
    }
  }

  handle(message: WampMessage): void {
    if (message.code === Codes.PUBLISHED) {
      const request = message.fields['PUBLISH.Request'];
      const subscriber = this.#take(request, 'PUBLISHED');
      subscriber?.next({ id: message.fields.Publication });
      subscriber?.complete();
      return;
    }
    if (message.code === Codes.ERROR) {
      this.#take(message.fields['REQUEST.Request'], 'ERROR')?.error(wampErrorFrom(message));
      return;
    }
    throw new ProtocolViolation(`${message.name} is not a publisher message`);
  }

  #take(request: number, what: string): Subscriber<Publication> | undefined {
    const subscriber = this.#pending.get(request);
    if (subscriber !== undefined) {
      this.#pending.delete(request);
      return subscriber;
    }
    if (this.#abandoned.take(request)) return undefined;
    this.ctx.stray(`${what} for PUBLISH request ${request}, which awaits no acknowledgement`);
    return undefined;
  }

  end({ error }: SessionEnd): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    this.#abandoned.clear();
    for (const subscriber of pending) subscriber.error(error);
  }

  size(): number {
    return this.#pending.size + this.#abandoned.size;
  }
}
