export * from './serializer.js';
export * from './json.js';
