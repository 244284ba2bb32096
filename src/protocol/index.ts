export * from './dict.js';
export * from './ids.js';
export * from './errors.js';
export * from './message-table.js';
export * from './message.js';
export { checkOptions } from './options-schema.js';
export * from './uri.js';
export * from './pattern-index.js';
export * from './features.js';
