/**
 * Where relative endpoints (`/health`) resolve, for checks and web metrics alike: the spec's
 * `launch.base_url`, else the BASE_URL launch variable (the brief's template names only `/health`).
 */
export const BASE_URL_VARIABLE = '${BASE_URL}';

export function baseUrlTemplate(launch: { base_url?: string }): string {
  return launch.base_url ?? BASE_URL_VARIABLE;
}

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

export function isAbsoluteUrl(text: string): boolean {
  return ABSOLUTE_URL.test(text);
}

/** Joined as text, not by URL resolution: a base of https://x/api with /health means https://x/api/health. */
export function appendPath(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
