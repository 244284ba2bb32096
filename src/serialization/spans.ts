import { layoutOfName } from '../protocol/message-table.js';
import type { MessageName } from '../protocol/message-table.js';
import type { EncodedSpan } from '../protocol/lazy-arguments.js';

/** Nesting deeper than this is not scanned: the frame is decoded whole, and the router's depth limit judges it. */
export const MAX_SCAN_DEPTH = 100;

const FORWARDED: readonly MessageName[] = ['CALL', 'YIELD', 'PUBLISH', 'ERROR'];

/** For the messages a router forwards, by code: the index of Arguments in the array form. */
export const ARGUMENTS_INDEX: ReadonlyMap<number, number> = new Map(
  FORWARDED.map((name) => {
    const layout = layoutOfName(name);
    return [layout.code, layout.fields.findIndex((f) => f[1] === 'args') + 1];
  }),
);

/** A frame split for forwarding: the envelope (still an encoded array, without Arguments and ArgumentsKw), and their spans. */
export interface FrameSplit<F extends string | Uint8Array> {
  readonly envelope: F;
  readonly args: EncodedSpan;
  readonly kwargs: EncodedSpan | undefined;
}
