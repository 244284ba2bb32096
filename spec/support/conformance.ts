import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the WAMP specification's test vectors live: shared/ beside the repository, as this
 * project's workplace and CI lay it out, or the folder RXWAMP_CONFORMANCE_DIR names.
 */
export const CONFORMANCE_DIR = process.env['RXWAMP_CONFORMANCE_DIR'] ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/conformance/wamp-testsuite');

/** Are the vectors there? (A checkout on its own, without shared/ beside it, has none.) */
export function conformanceVectorsAvailable(): boolean {
  return existsSync(join(CONFORMANCE_DIR, 'singlemessage'));
}

/** One encoding of a sample in one serialization. */
export interface Variant {
  bytes?: string;
  bytes_hex: string;
  note?: string;
}

/** One test vector. */
export interface Sample {
  description: string;
  serializers?: Record<string, Variant[]>;
  expected_attributes?: Record<string, unknown>;
  wmsg?: unknown[];
  expected_error?: { type: string; contains?: string };
}

/** A vector file: one message type and its samples. */
export interface VectorFile {
  file: string;
  wamp_message_type: string;
  wamp_message_code: number;
  samples: Sample[];
}

/** Reads every single-message vector file; throws when the folder is missing. */
export function readSingleMessageVectors(): VectorFile[] {
  const root = join(CONFORMANCE_DIR, 'singlemessage');
  if (!existsSync(root)) throw new Error(`conformance vectors not found at ${root}`);
  const files: VectorFile[] = [];
  for (const profile of readdirSync(root).sort()) {
    for (const name of readdirSync(join(root, profile)).sort()) {
      if (!name.endsWith('.json')) continue;
      const file = join(profile, name);
      files.push({ file, ...(JSON.parse(readFileSync(join(root, file), 'utf8')) as Omit<VectorFile, 'file'>) });
    }
  }
  return files;
}

/** Bytes from a hex string. */
export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** A hex string from bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
