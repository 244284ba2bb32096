// The contract of a calculator service, shared by its callee (callee.ts) and its callers
// (caller.ts): one declaration types both ends and checks both at run time.
import { z } from 'zod';
import { defineProcedure, defineTopic } from 'rxwamp';

/** Adds two numbers. */
export const add = defineProcedure('com.example.calc.add', {
  args: z.tuple([z.number(), z.number()]),
  result: z.number(),
});

/** Divides; the divisor must not be zero, which both ends check. */
export const divide = defineProcedure('com.example.calc.divide', {
  args: z.tuple([z.number(), z.number().refine((n) => n !== 0, 'cannot divide by zero')]),
  kwargs: z.object({ digits: z.number().int().min(0).max(10).optional() }),
  result: z.number(),
});

/** Sums 1..n, reporting each partial sum as a progressive result. */
export const runningSum = defineProcedure('com.example.calc.running_sum', {
  args: z.tuple([z.number().int().positive()]),
  progress: z.number(),
  result: z.number(),
});

/** Every result the calculator computed. */
export const computed = defineTopic('com.example.calc.computed', {
  args: z.tuple([z.string(), z.number()]),
});
