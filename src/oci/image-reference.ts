/**
 * Image references as Docker and the distribution registry read them:
 * `[host[:port]/]path[:tag][@digest]`, with Docker Hub as the host when none is named.
 */

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const HOST = /^(?:\[[0-9a-fA-F:]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?)(?::\d+)?$/;
/** The algorithms the registry API and content verification both support. */
export const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

const DOCKER_HUB = 'docker.io';
/** Docker Hub's names for itself, and the host that actually serves its registry API. */
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io']);
const DOCKER_HUB_API = 'registry-1.docker.io';
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface ImageReference {
  /** host[:port] as written; undefined when the reference names none. */
  host?: string;
  path: string;
  tag?: string;
  digest?: string;
}

/** The `registry` option: a host or URL, or a bare word like `ecr` that only labels the registry. */
export type RegistryOption = { kind: 'host'; host: string; scheme?: 'http' | 'https' } | { kind: 'label'; label: string };

/** Where to ask about an image. */
export interface ImageLocation {
  /** scheme://host[:port] of the registry API. */
  apiUrl: string;
  repository: string;
  /** The tag or digest to look up (the digest when both are given). */
  reference: string;
  /** Canonical text for messages: host/repository[:tag][@digest]. */
  display: string;
}

export function parseImageReference(text: string): ImageReference {
  let rest = text.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new Error(`image '${text}': digest '${digest}' is not sha256:<64 hex> or sha512:<128 hex>`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new Error(`image '${text}': tag '${tag}' is not a valid tag`);
  }
  let host: string | undefined;
  const slash = rest.indexOf('/');
  const first = rest.slice(0, slash);
  // Docker's rule: the first component is a host when it has a dot, a port or is localhost.
  if (slash > 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase())) {
    host = first;
    rest = rest.slice(slash + 1);
    if (!HOST.test(host)) throw new Error(`image '${text}': '${host}' is not a valid registry host`);
  }
  if (!rest.split('/').every((part) => PATH_COMPONENT.test(part))) {
    throw new Error(`image '${text}': repository '${rest}' must be lowercase components separated by '/'`);
  }
  return { host, path: rest, tag, digest };
}

export function parseRegistryOption(text: string): RegistryOption {
  const value = text.trim();
  if (/^https?:\/\//.test(value)) {
    const url = new URL(value);
    return { kind: 'host', host: url.host, scheme: url.protocol === 'http:' ? 'http' : 'https' };
  }
  if (/[.:]/.test(value) || value === 'localhost') {
    if (!HOST.test(value)) throw new Error(`registry '${text}' is not a valid host[:port]`);
    return { kind: 'host', host: value };
  }
  return { kind: 'label', label: value };
}

/**
 * The registry API endpoint and repository for a reference. The `registry` option supplies the host
 * only when the reference names none; `insecure` (plain http) defaults to true for this machine only.
 */
export function locateImage(ref: ImageReference, registry: RegistryOption | undefined, insecure: boolean | undefined): ImageLocation {
  const option = registry?.kind === 'host' && !ref.host ? registry : undefined;
  const host = ref.host ?? option?.host ?? DOCKER_HUB;
  const hub = DOCKER_HUB_ALIASES.has(host);
  // Docker Hub keeps its official images under library/.
  const repository = hub && !ref.path.includes('/') ? `library/${ref.path}` : ref.path;
  const hostname = host.replace(/:\d+$/, '');
  const plain = insecure ?? (option?.scheme ? option.scheme === 'http' : LOCAL_HOSTS.has(hostname));
  const apiHost = hub ? DOCKER_HUB_API : host;
  const tag = ref.tag ?? (ref.digest ? undefined : 'latest');
  return {
    apiUrl: `${plain ? 'http' : 'https'}://${apiHost}`,
    repository,
    reference: ref.digest ?? ref.tag ?? 'latest',
    display: `${hub ? DOCKER_HUB : host}/${repository}${tag ? `:${tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`,
  };
}
