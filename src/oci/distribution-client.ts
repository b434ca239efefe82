import { z } from 'zod';
import { basicAuthorization, timedFetch } from '../http/timed-fetch';
import { parseJson } from '../http/json';

/** Everything an image tag may point at: OCI index/manifest and Docker's manifest list/manifest. */
const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

// Response schemas are built on first use (z.lazy), not while the action starts.

/** The registry API's error body: `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"..."}]}`. */
const errorBodySchema = z.lazy(() => z.object({ errors: z.array(z.looseObject({ code: z.string(), message: z.string().optional() })) }));
export type RegistryErrorEntry = z.output<typeof errorBodySchema>['errors'][number];

/** Token services answer `token` (Docker) or `access_token` (OAuth2 form). */
// Docker's token services answer `token`, OAuth-style ones `access_token`; either is the bearer token.
const tokenSchema = z.lazy(() =>
  z.union([
    z.looseObject({ token: z.string().min(1) }).transform((t) => t.token),
    z.looseObject({ access_token: z.string().min(1) }).transform((t) => t.access_token),
  ]),
);

export interface Credentials {
  username: string;
  password: string;
}

export interface RegistryClientOptions {
  /** scheme://host[:port] */
  apiUrl: string;
  repository: string;
  credentials?: Credentials;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface ManifestReply {
  status: number;
  /** Docker-Content-Digest, the digest the registry claims for the manifest. */
  digest?: string;
  mediaType?: string;
  /** The manifest bytes exactly as served (empty for HEAD). */
  body: Buffer;
  errors: RegistryErrorEntry[];
}

/** Authentication went wrong: no credentials where some are needed, or the registry refused them. */
export class RegistryAuthError extends Error {}

interface RawReply {
  status: number;
  headers: Headers;
  body: Buffer;
}

/**
 * Reads manifests through the Docker Registry HTTP API v2, answering a 401 challenge once: Bearer
 * (fetch a token from the realm, anonymously or with the credentials) or Basic (send the credentials).
 */
export class RegistryClient {
  private authorization: string | undefined;

  constructor(private readonly options: RegistryClientOptions) {}

  /** HEAD is free on Docker Hub's pull limits; GET returns the body (to verify, or an error body). */
  async manifest(method: 'HEAD' | 'GET', reference: string): Promise<ManifestReply> {
    const url = `${this.options.apiUrl}/v2/${this.options.repository}/manifests/${reference}`;
    const headers = { accept: MANIFEST_TYPES };
    let reply = await this.send(method, url, headers);
    if (reply.status === 401 && !this.authorization) {
      this.authorization = await this.authorize(reply.headers.get('www-authenticate'));
      reply = await this.send(method, url, headers);
    }
    if (reply.status === 401 || reply.status === 403) {
      const code = parseErrors(reply.body)[0]?.code;
      throw new RegistryAuthError(`registry refused ${this.who()} (HTTP ${reply.status}${code ? ` ${code}` : ''})`);
    }
    return {
      status: reply.status,
      digest: reply.headers.get('docker-content-digest') ?? undefined,
      mediaType: reply.headers.get('content-type')?.split(';')[0] ?? undefined,
      body: reply.body,
      errors: parseErrors(reply.body),
    };
  }

  private async authorize(challenge: string | null): Promise<string> {
    const { scheme, params } = parseChallenge(challenge ?? '');
    const { credentials } = this.options;
    if (scheme === 'basic') {
      if (!credentials) throw new RegistryAuthError('registry requires credentials: set REGISTRY_USERNAME and REGISTRY_PASSWORD');
      return basicAuthorization(credentials.username, credentials.password);
    }
    if (scheme !== 'bearer' || !params.realm || !URL.canParse(params.realm)) {
      throw new RegistryAuthError(`registry answered 401 without a usable challenge (WWW-Authenticate: ${challenge ?? 'missing'})`);
    }
    const tokenUrl = new URL(params.realm);
    if (params.service) tokenUrl.searchParams.set('service', params.service);
    tokenUrl.searchParams.set('scope', params.scope ?? `repository:${this.options.repository}:pull`);
    const headers: Record<string, string> = credentials
      ? { authorization: basicAuthorization(credentials.username, credentials.password) }
      : {};
    const reply = await this.send('GET', tokenUrl.toString(), headers);
    const token = reply.status === 200 ? tokenSchema.safeParse(parseJson(reply.body.toString('utf8'))) : undefined;
    if (!token?.success) {
      throw new RegistryAuthError(`token service ${tokenUrl.host} refused ${this.who()} (HTTP ${reply.status})`);
    }
    return `Bearer ${token.data}`;
  }

  private send(method: string, url: string, headers: Record<string, string>): Promise<RawReply> {
    // The registry's own authorization never goes to the token service (another host, maybe).
    const all = this.authorization && url.startsWith(this.options.apiUrl) ? { ...headers, authorization: this.authorization } : headers;
    return timedFetch(url, { method, headers: all }, this.options, async (response) => ({
      status: response.status,
      headers: response.headers,
      body: Buffer.from(await response.arrayBuffer()),
    }));
  }

  /** Who was refused, for messages: the user name is fine to show, the password never. */
  private who(): string {
    return this.options.credentials ? `the credentials of '${this.options.credentials.username}'` : 'anonymous access';
  }
}

/** `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:x:pull"` */
function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const [, name, quoted, bare] of header.slice(space + 1).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    params[name!.toLowerCase()] = quoted ?? bare ?? '';
  }
  return { scheme, params };
}

function parseErrors(body: Buffer): RegistryErrorEntry[] {
  const parsed = errorBodySchema.safeParse(parseJson(body.toString('utf8')));
  return parsed.success ? parsed.data.errors : [];
}
