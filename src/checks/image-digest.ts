import { z } from 'zod';
import { defineCheck, type CheckContext, type CheckOutcome, type PlanContext } from './check';
import { expandField } from './template-field';
import { resolvedCheck } from './resolved-check';
import { positiveDurationSchema } from '../util/duration';
import { RequestFailure } from '../http/request-failure';
import { hexDigest } from '../util/digest';
import { DIGEST, locateImage, parseImageReference, parseRegistryOption, type ImageLocation } from '../oci/image-reference';
import { RegistryAuthError, RegistryClient, type Credentials, type ManifestReply } from '../oci/distribution-client';

const DEFAULT_IMAGE = '${IMAGE}';

const config = z.lazy(() =>
  z
    .object({
      image: z
        .string()
        .min(1)
        .default(DEFAULT_IMAGE)
        .meta({ description: 'Image reference: host[:port]/path:tag or ...@sha256:...; ${VAR} allowed' }),
      registry: z.string().min(1).optional().meta({
        description: 'Registry host[:port] or URL for references that name no host; a bare word (ecr, gcr) is only a label',
      }),
      digest: z.string().min(1).optional().meta({ description: 'The digest the reference must resolve to (sha256:...); ${VAR} allowed' }),
      verify: z.boolean().default(false).meta({ description: "Fetch the manifest and check its sha256 equals the registry's digest" }),
      insecure: z.boolean().optional().meta({ description: 'Plain http; default true for localhost/127.0.0.1 only' }),
      timeout: positiveDurationSchema.default(10_000).meta({ description: 'Limit for each registry request' }),
    })
    .strict(),
);
type ImageDigestConfig = z.output<typeof config>;

interface Target {
  location: ImageLocation;
  /** The digest the reference must resolve to: from `digest`, or the reference's own @digest. */
  expectedDigest?: string;
  credentials?: Credentials;
  /** How the `registry` option was read, when it was not used as the host. */
  note?: string;
}

function resolveTarget(c: ImageDigestConfig, ctx: PlanContext): Target {
  const ref = parseImageReference(expandField('image', c.image, DEFAULT_IMAGE, ctx.env));
  const registry = c.registry === undefined ? undefined : parseRegistryOption(expandField('registry', c.registry, undefined, ctx.env));
  const digest = c.digest === undefined ? undefined : expandField('digest', c.digest, undefined, ctx.env);
  if (digest !== undefined && !DIGEST.test(digest)) throw new Error(`digest '${digest}' is not sha256:<64 hex> or sha512:<128 hex>`);
  if (digest && ref.digest && digest !== ref.digest)
    throw new Error(`digest ${digest} contradicts the image reference's own @${ref.digest}`);

  const { REGISTRY_USERNAME: username, REGISTRY_PASSWORD: password } = ctx.env;
  if (Boolean(username) !== Boolean(password)) throw new Error('REGISTRY_USERNAME and REGISTRY_PASSWORD go together: set both or neither');

  let note: string | undefined;
  if (registry?.kind === 'label') {
    const source = ref.host
      ? `the host comes from the image reference (${ref.host})`
      : 'the image reference names no host, so Docker Hub is asked';
    note = `registry '${registry.label}' is a label, not a host (no dot or colon): ${source}`;
  } else if (registry && ref.host) {
    note = `registry '${registry.host}' unused: the image reference names its host`;
  }
  return {
    location: locateImage(ref, registry, c.insecure),
    expectedDigest: digest ?? ref.digest,
    credentials: username && password ? { username, password } : undefined,
    note,
  };
}

function describePlan(target: Target, c: ImageDigestConfig): string {
  const parts = [
    `resolve ${target.location.display} at ${target.location.apiUrl}`,
    target.expectedDigest && `expecting ${target.expectedDigest}`,
    c.verify && 'verifying the manifest content',
    target.credentials && `as ${target.credentials.username}`,
  ].filter(Boolean);
  return `${parts.join(', ')}${target.note ? ` (${target.note})` : ''}`;
}

function contentDigest(claimed: string | undefined, body: Buffer): string {
  const algorithm = claimed?.startsWith('sha512:') ? 'sha512' : 'sha256';
  return `${algorithm}:${hexDigest(algorithm, body)}`;
}

/** Why the registry did not hand over the manifest. */
function describeMissing(reply: ManifestReply, location: ImageLocation): string {
  const error = reply.errors[0];
  const code = error ? ` (${error.code}${error.message ? `: ${error.message}` : ''})` : '';
  const what = DIGEST.test(location.reference) ? `manifest ${location.reference}` : `tag '${location.reference}'`;
  if (error?.code === 'NAME_UNKNOWN') return `repository ${location.repository} not found${code}`;
  if (reply.status === 404) return `${what} not found in ${location.repository}${code}`;
  return `registry answered HTTP ${reply.status}${code}`;
}

function judge(reply: ManifestReply, target: Target, verify: boolean): CheckOutcome {
  const { location, expectedDigest } = target;
  const fail = (why: string): CheckOutcome => ({ passed: false, message: `${location.display}: ${why}`, threshold: expectedDigest });
  if (reply.status !== 200) return fail(describeMissing(reply, location));
  const computed = reply.body.length ? contentDigest(reply.digest, reply.body) : undefined;
  const actual = reply.digest ?? computed;
  if (!actual) return fail('registry sent neither a Docker-Content-Digest nor the manifest');
  if (verify && !reply.digest && !expectedDigest)
    return fail('nothing to verify against: the registry sent no Docker-Content-Digest and no digest is expected');
  if (verify && computed !== actual) {
    return fail(
      `manifest content does not match: the registry claims ${actual} but the ${reply.body.length} bytes served hash to ${computed}`,
    );
  }
  if (expectedDigest && actual !== expectedDigest) return fail(`digest ${actual}, expected ${expectedDigest}`);
  const checked = verify ? `, content verified (${reply.body.length} bytes)` : '';
  return {
    passed: true,
    message: `${location.display} → ${actual} (${reply.mediaType ?? 'unknown media type'})${checked}`,
    threshold: expectedDigest,
  };
}

async function lookUp(target: Target, c: ImageDigestConfig, ctx: CheckContext): Promise<CheckOutcome> {
  const { location } = target;
  const client = new RegistryClient({ ...location, credentials: target.credentials, timeoutMs: c.timeout, signal: ctx.signal });
  try {
    let reply = await client.manifest('HEAD', location.reference);
    // HEAD carries no error body and no content to verify: ask again with GET when either matters.
    if (reply.status !== 200 || !reply.digest || c.verify) reply = await client.manifest('GET', location.reference);
    return judge(reply, target, c.verify);
  } catch (error) {
    if (error instanceof RegistryAuthError)
      return { passed: false, message: `${location.display}: authentication failed: ${error.message}` };
    if (!(error instanceof RequestFailure)) throw error;
    const host = new URL(location.apiUrl).host;
    const problem = {
      unreachable: `registry ${host} unreachable: ${error.message}`,
      timeout: `registry ${host} ${error.message}`,
      cancelled: 'cancelled',
    };
    return { passed: false, message: `${location.display}: ${problem[error.kind]}` };
  }
}

/** Asks an OCI registry whether an image reference resolves, to which digest, and (optionally) verifies it. */
export const imageDigestCheck = defineCheck({
  type: 'image_digest',
  description:
    'Resolves an image reference in its registry (Registry API v2), optionally checking the digest and verifying the manifest content',
  config,
  ...resolvedCheck({
    resolve: resolveTarget,
    summary: describePlan,
    unresolvedSummary: (c) => `resolve ${c.image}`,
    run: lookUp,
  }),
});
