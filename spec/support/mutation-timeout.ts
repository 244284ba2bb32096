// Loaded only by jasmine.mutation.json (Stryker): a mutant that leaves a spec waiting for an
// answer that never comes fails it after 2 s instead of Jasmine's 5 s. The specs Stryker
// runs finish in milliseconds; the machine may be loaded, hence not less.
jasmine.DEFAULT_TIMEOUT_INTERVAL = 2000;
