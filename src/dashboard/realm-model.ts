import { BehaviorSubject, firstValueFrom, skip, Subscription } from 'rxjs';
import type { WampClient } from '../client/wamp-client.js';
import type { Dict } from '../protocol/dict.js';
import type { RatesSample } from '../node/dashboard/rates.js';

/** A session as the meta API describes it. */
export interface SessionRow {
  readonly id: number;
  readonly authid: string;
  readonly authrole: string;
  readonly authmethod: string;
  readonly transport: string;
  readonly joined: string | undefined;
}

/** A registration or subscription with its callees or subscribers (session ids). */
export interface RouteRow {
  readonly id: number;
  uri: string;
  match: string;
  invoke: string;
  readonly members: Set<number>;
}

/** How many rate samples the charts keep. */
export const RATE_POINTS = 60;

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): SessionRow | undefined {
  if (!isDict(value) || typeof value['session'] !== 'number') return undefined;
  const transport = isDict(value['transport']) ? `${String(value['transport']['peer'] ?? '')} ${String(value['transport']['protocol'] ?? '')}`.trim() : '';
  return {
    id: value['session'],
    authid: String(value['authid'] ?? ''),
    authrole: String(value['authrole'] ?? ''),
    authmethod: String(value['authmethod'] ?? ''),
    transport,
    joined: typeof value['joined'] === 'string' ? value['joined'] : undefined,
  };
}

/** The ids of a `wamp.registration.list` / `wamp.subscription.list` answer, every policy. */
function idsByPolicy(value: unknown): number[] {
  if (!isDict(value)) return [];
  return ['exact', 'prefix', 'wildcard'].flatMap((k) => (Array.isArray(value[k]) ? (value[k] as unknown[]).filter((id): id is number => typeof id === 'number') : []));
}

/**
 * The realm as the dashboard sees it, kept current from the meta API: the lists are read
 * once after subscribing to the meta events, and every event after that updates them. A
 * session's details are fetched when the page shows it (on_join carries them already), so
 * that a realm of 10,000 sessions costs one list call, not 10,000 gets.
 */
export class RealmModel {
  /** Session ids in join order, with their details once known. */
  readonly sessions = new Map<number, SessionRow | undefined>();
  readonly registrations = new Map<number, RouteRow>();
  readonly subscriptions = new Map<number, RouteRow>();
  /** The latest samples of the rates topic, oldest first. */
  readonly rates: RatesSample[] = [];
  /** Emits after every change (the view coalesces redraws per frame). */
  readonly changed$ = new BehaviorSubject<void>(undefined);
  readonly #client: WampClient;
  readonly #fetching = new Set<number>();
  readonly #subscription = new Subscription();

  constructor(client: WampClient) {
    this.#client = client;
  }

  /** Subscribes to the meta events and the rates topic, then reads the current state. */
  async start(ratesTopic: string): Promise<void> {
    const c = this.#client;
    const events: Array<[string, (args: unknown[]) => void]> = [
      ['wamp.session.on_join', (args) => this.#joined(args[0])],
      ['wamp.session.on_leave', (args) => this.#left(args[0])],
      ['wamp.registration.on_create', (args) => this.#created(this.registrations, args[1])],
      ['wamp.registration.on_register', (args) => this.#member(this.registrations, args[1], args[0], true)],
      ['wamp.registration.on_unregister', (args) => this.#member(this.registrations, args[1], args[0], false)],
      ['wamp.registration.on_delete', (args) => this.#deleted(this.registrations, args[1])],
      ['wamp.subscription.on_create', (args) => this.#created(this.subscriptions, args[1])],
      ['wamp.subscription.on_subscribe', (args) => this.#member(this.subscriptions, args[1], args[0], true)],
      ['wamp.subscription.on_unsubscribe', (args) => this.#member(this.subscriptions, args[1], args[0], false)],
      ['wamp.subscription.on_delete', (args) => this.#deleted(this.subscriptions, args[1])],
      [ratesTopic, (args) => this.#rate(args[0])],
    ];
    // Subscribed before the lists are read: the router handles one session's messages in
    // order, so no change between the lists and the events goes unseen.
    for (const [topic, handle] of events) this.#subscription.add(c.subscribe(topic).subscribe((event) => handle(event.args)));
    await firstValueFrom(c.session$);
    await this.#reload();
    // After a reconnection the lists are read again: what changed meanwhile was not heard.
    this.#subscription.add(c.session$.pipe(skip(1)).subscribe(() => void this.#reload()));
  }

  async #reload(): Promise<void> {
    this.sessions.clear();
    this.registrations.clear();
    this.subscriptions.clear();
    const [sessionIds, registrationIds, subscriptionIds] = await Promise.all([
      this.#call('wamp.session.list'),
      this.#call('wamp.registration.list'),
      this.#call('wamp.subscription.list'),
    ]);
    if (Array.isArray(sessionIds)) for (const id of sessionIds) if (typeof id === 'number' && !this.sessions.has(id)) this.sessions.set(id, undefined);
    await Promise.all([
      ...idsByPolicy(registrationIds).map((id) => this.#loadRoute(this.registrations, 'registration', 'list_callees', id)),
      ...idsByPolicy(subscriptionIds).map((id) => this.#loadRoute(this.subscriptions, 'subscription', 'list_subscribers', id)),
    ]);
    this.changed$.next();
  }

  /** Fetches the details of the given sessions, those not known or on their way yet. */
  need(ids: readonly number[]): void {
    for (const id of ids) {
      if (!this.sessions.has(id) || this.sessions.get(id) !== undefined || this.#fetching.has(id)) continue;
      this.#fetching.add(id);
      this.#call('wamp.session.get', [id]).then(
        (details) => {
          this.#fetching.delete(id);
          const row = describe(details);
          if (row !== undefined && this.sessions.has(id)) {
            this.sessions.set(id, row);
            this.changed$.next();
          }
        },
        () => this.#fetching.delete(id),
      );
    }
  }

  stop(): void {
    this.#subscription.unsubscribe();
  }

  async #call(procedure: string, args: unknown[] = []): Promise<unknown> {
    const result = await firstValueFrom(this.#client.call(procedure, args));
    return result.args[0];
  }

  async #loadRoute(into: Map<number, RouteRow>, kind: 'registration' | 'subscription', members: string, id: number): Promise<void> {
    try {
      const [description, memberIds] = await Promise.all([this.#call(`wamp.${kind}.get`, [id]), this.#call(`wamp.${kind}.${members}`, [id])]);
      const row = this.#created(into, description);
      if (row !== undefined && Array.isArray(memberIds)) for (const m of memberIds) if (typeof m === 'number') row.members.add(m);
    } catch {
      // Gone between the list and the get: its on_delete removes it.
    }
  }

  #joined(value: unknown): void {
    const row = describe(value);
    if (row === undefined) return;
    this.sessions.set(row.id, row);
    this.changed$.next();
  }

  #left(id: unknown): void {
    if (typeof id === 'number' && this.sessions.delete(id)) this.changed$.next();
  }

  #created(into: Map<number, RouteRow>, description: unknown): RouteRow | undefined {
    if (!isDict(description) || typeof description['id'] !== 'number') return undefined;
    let row = into.get(description['id']);
    if (row === undefined) into.set(description['id'], (row = { id: description['id'], uri: '', match: 'exact', invoke: '', members: new Set() }));
    row.uri = String(description['uri'] ?? '');
    row.match = String(description['match'] ?? 'exact');
    row.invoke = typeof description['invoke'] === 'string' ? description['invoke'] : '';
    this.changed$.next();
    return row;
  }

  #member(into: Map<number, RouteRow>, id: unknown, session: unknown, add: boolean): void {
    if (typeof id !== 'number' || typeof session !== 'number') return;
    let row = into.get(id);
    if (row === undefined) {
      if (!add) return;
      // The on_create arrives first; this covers one that was missed.
      into.set(id, (row = { id, uri: '…', match: 'exact', invoke: '', members: new Set() }));
    }
    if (add) row.members.add(session);
    else row.members.delete(session);
    this.changed$.next();
  }

  #deleted(into: Map<number, RouteRow>, id: unknown): void {
    if (typeof id === 'number' && into.delete(id)) this.changed$.next();
  }

  #rate(sample: unknown): void {
    if (!isDict(sample) || typeof sample['time'] !== 'number') return;
    this.rates.push(sample as unknown as RatesSample);
    if (this.rates.length > RATE_POINTS) this.rates.shift();
    this.changed$.next();
  }
}
