// The WAMP contracts of the app: one declaration types the components that use them and
// checks, at run time, what arrives from the router.
import { z } from 'zod';
import { defineProcedure, defineTopic } from 'rxwamp';
import type { TopicContract, TopicTypesOfShape } from 'rxwamp';

/** A topic whose events carry one line of text: what TopicFeedComponent shows. */
export type TextTopic = TopicContract<TopicTypesOfShape<{ args: [string] }>>;

/** The ticks the demo feed shows: one line of text each. */
export const ticks = defineTopic('com.example.ticks', { args: z.tuple([z.string()]) }) satisfies TextTopic;

/** How many sessions the realm has (the router's meta API), typed. */
export const sessionCount = defineProcedure('wamp.session.count', { result: z.number().int() });
