import { createHash } from 'node:crypto';

/** Hex digest of `data`. */
export function hexDigest(algorithm: 'sha256' | 'sha512', data: string | Buffer): string {
  return createHash(algorithm).update(data).digest('hex');
}
