/**
 * Hex digest of `data`. node:crypto is loaded on first use, not at start-up: loading it takes about
 * 2 ms, and most launches need it only after their first command has started, if at all.
 */
export function hexDigest(algorithm: 'sha256' | 'sha512', data: string | Buffer): string {
  return process.getBuiltinModule('node:crypto').createHash(algorithm).update(data).digest('hex');
}
