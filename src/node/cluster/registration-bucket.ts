import type { KV, KvEntry } from '@nats-io/kv';
import type { ClusterCallee, ClusterRegistration, RegisterOutcome } from '../../router/cluster.js';
import { pack, unpack } from './wire.js';

/** A callee as the bucket stores it: with the incarnation of its node, so that a restarted node's old callees can be told apart. */
export interface StoredCallee extends ClusterCallee {
  readonly incarnation: string;
}

/** A registration as the bucket stores it; no callees left means no registration. */
export interface StoredRegistration extends ClusterRegistration {
  readonly callees: readonly StoredCallee[];
}

/** A stored registration with the revision it was read or written at. */
export interface Revision {
  readonly key: string;
  readonly revision: number;
  readonly registration: StoredRegistration | undefined;
}

const ATTEMPTS = 50;
/** JetStream answers "unavailable" for a few seconds while a NATS cluster elects a new leader: that long, it is asked again. */
const TRANSIENT_RETRIES = 60;
const TRANSIENT_PAUSE_MS = 250;

/** Runs one read-modify-write attempt again while JetStream is briefly unavailable; conflicts are the caller's to handle. */
async function patiently<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (isConflict(error) || tries >= TRANSIENT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, TRANSIENT_PAUSE_MS));
    }
  }
}

function isConflict(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /wrong last sequence|key exists/i.test(text);
}

/** The registration an entry holds, undefined for a deleted or emptied one. */
export function registrationOf(entry: KvEntry | null): StoredRegistration | undefined {
  if (entry === null || entry.operation !== 'PUT') return undefined;
  const value = unpack(entry.value) as StoredRegistration | undefined;
  return value !== undefined && Array.isArray(value.callees) && value.callees.length > 0 ? value : undefined;
}

/**
 * The cluster's registrations in a JetStream key-value bucket. Every change is a
 * compare-and-set on the key's revision: a single registration is created atomically,
 * a shared one gains or loses a callee without losing another node's concurrent change.
 * A registration without callees is written as an empty record rather than deleted, so
 * that every change has a revision the nodes can order by.
 */
export class RegistrationBucket {
  constructor(readonly kv: KV) {}

  /** Adds a callee (creating the registration, or joining a shared one whose policy matches). */
  async add(key: string, fresh: Omit<StoredRegistration, 'callees'>, callee: StoredCallee, isDead: (c: StoredCallee) => boolean): Promise<{ outcome: RegisterOutcome; written?: Revision }> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const entry = await patiently(() => this.kv.get(key));
      const current = registrationOf(entry);
      const callees = (current?.callees ?? []).filter((c) => !isDead(c));
      let next: StoredRegistration;
      if (current === undefined || callees.length === 0) {
        next = { ...fresh, callees: [callee] };
      } else {
        if (callees.some((c) => c.session.id === callee.session.id)) return { outcome: { ok: true, registration: current } };
        if (current.invoke === 'single') {
          return { outcome: { ok: false, error: 'wamp.error.procedure_already_exists', message: `'${current.procedure}' is already registered (by session ${callees[0]!.session.id} on node '${callees[0]!.session.node}')` } };
        }
        if (current.invoke !== fresh.invoke) {
          return { outcome: { ok: false, error: 'wamp.error.procedure_already_exists', message: `'${current.procedure}' is registered with invocation policy '${current.invoke}', not '${fresh.invoke}'` } };
        }
        next = { ...current, callees: [...callees, callee] };
      }
      try {
        const revision = await patiently(() => (entry === null ? this.kv.create(key, pack(next as never)) : this.kv.update(key, pack(next as never), entry.revision)));
        return { outcome: { ok: true, registration: next }, written: { key, revision, registration: next } };
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    throw new Error(`too many concurrent changes of '${fresh.procedure}'`);
  }

  /** Removes the callees `drop` picks from one registration; undefined when nothing changed. */
  async remove(key: string, drop: (c: StoredCallee) => boolean): Promise<Revision | undefined> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const entry = await patiently(() => this.kv.get(key));
      const current = registrationOf(entry);
      if (entry === null || current === undefined || !current.callees.some(drop)) return undefined;
      const next: StoredRegistration = { ...current, callees: current.callees.filter((c) => !drop(c)) };
      try {
        const revision = await patiently(() => this.kv.update(key, pack(next as never), entry.revision));
        return { key, revision, registration: next.callees.length > 0 ? next : undefined };
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    throw new Error(`too many concurrent changes of key ${key}`);
  }

  /** Every registration in the bucket, with its revision. */
  async all(): Promise<Revision[]> {
    const keys: string[] = [];
    for await (const key of await this.kv.keys()) keys.push(key);
    const out: Revision[] = [];
    for (const key of keys) {
      const entry = await this.kv.get(key);
      if (entry !== null) out.push({ key, revision: entry.revision, registration: registrationOf(entry) });
    }
    return out;
  }
}
