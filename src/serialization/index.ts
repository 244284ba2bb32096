export * from './serializer.js';
export * from './json.js';
export * from './msgpack.js';
export * from './cbor.js';
export * from './registry.js';
