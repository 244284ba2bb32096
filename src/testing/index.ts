/**
 * rxwamp/testing: a real router in memory for an application's specs, in virtual time
 * (TestScheduler, rxjs-marbles) or real time (Jasmine, Jest, Vitest). Browser-safe.
 */
export * from './test-realm.js';
export * from './call-results.js';
