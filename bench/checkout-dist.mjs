// actions/checkout's own bundle, the yardstick for our start-up: pinned by commit and sha256, fetched
// once into the git-ignored bench/.cache/.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const VERSION = 'v6.1.0';
const COMMIT = 'd23441a48e516b6c34aea4fa41551a30e30af803';
const SHA256 = '9a7e30c8fff68ca6b421d762a5a4790eb1fd1d14df9a3ff3b8e3a177ef6aa297';
const URL_ = `https://raw.githubusercontent.com/actions/checkout/${COMMIT}/dist/index.js`;
// .cjs: checkout's bundle is CommonJS, and our package.json would otherwise make node load it as a module.
const CACHED = fileURLToPath(new URL(`./.cache/checkout-${COMMIT}.cjs`, import.meta.url));

export const CHECKOUT_LABEL = `actions/checkout ${VERSION}`;

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** The cached bundle's path, downloading it on first use; undefined (with how to fill the cache) when it cannot be had. */
export async function checkoutDist() {
  if (existsSync(CACHED) && sha256(readFileSync(CACHED)) === SHA256) return CACHED;
  let problem;
  try {
    const response = await fetch(URL_, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (sha256(bytes) !== SHA256) throw new Error(`its sha256 is ${sha256(bytes)}, not the pinned ${SHA256}`);
    mkdirSync(fileURLToPath(new URL('./.cache/', import.meta.url)), { recursive: true });
    writeFileSync(CACHED, bytes);
    return CACHED;
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  console.log(`(${CHECKOUT_LABEL}'s dist/index.js could not be fetched: ${problem})`);
  console.log(`  fill the cache by hand, then check it is sha256 ${SHA256}:`);
  console.log(`    curl -fsSL ${URL_} -o ${CACHED}`);
  console.log(`  or from a clone of actions/checkout: git show ${COMMIT}:dist/index.js > ${CACHED}`);
  return undefined;
}
