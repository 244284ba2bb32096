export * from './serializer.js';
