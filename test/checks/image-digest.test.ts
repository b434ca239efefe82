import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageDigestCheck } from '../../src/checks/image-digest';
import { startRegistry, pushImage, sha256, OCI_MANIFEST, type TestRegistry, type PushedImage } from '../support/registry';
import { startServer, sendJson, type TestServer } from '../support/http-server';
import { checkContext, planCheck, runCheck } from '../support/check-context';

const WRONG_DIGEST = `sha256:${'0'.repeat(64)}`;

describe('image_digest against a real registry', () => {
  let registry: TestRegistry;
  let pushed: PushedImage;

  beforeAll(async () => {
    registry = await startRegistry();
    pushed = await pushImage(registry.url, 'team/app', '1.2.3');
  });
  afterAll(() => registry?.close());

  it('passes for the pushed tag and reports its digest and media type', async () => {
    const outcome = await runCheck(imageDigestCheck, { image: `${registry.host}/team/app:1.2.3` });
    expect(outcome).toEqual({ passed: true, message: `${registry.host}/team/app:1.2.3 → ${pushed.digest} (${OCI_MANIFEST})` });
  });

  it('passes with the right digest, given as digest or in the reference', async () => {
    expect((await runCheck(imageDigestCheck, { image: `${registry.host}/team/app:1.2.3`, digest: pushed.digest })).passed).toBe(true);
    const byDigest = await runCheck(imageDigestCheck, { image: `${registry.host}/team/app@${pushed.digest}` });
    expect(byDigest.passed).toBe(true);
    expect(byDigest.threshold).toBe(pushed.digest);
  });

  it('verifies the manifest content against the digest', async () => {
    const env = { IMAGE: `${registry.host}/team/app:1.2.3` };
    const outcome = await runCheck(imageDigestCheck, { registry: 'ecr', verify: true }, checkContext({ env }));
    expect(outcome.passed).toBe(true);
    expect(outcome.message).toBe(
      `${registry.host}/team/app:1.2.3 → ${pushed.digest} (${OCI_MANIFEST}), content verified (${pushed.manifest.length} bytes)`,
    );
  });

  it('fails clearly for a missing tag, a missing repository and a missing digest', async () => {
    const tag = await runCheck(imageDigestCheck, { image: `${registry.host}/team/app:9.9.9` });
    expect(tag).toMatchObject({
      passed: false,
      message: `${registry.host}/team/app:9.9.9: tag '9.9.9' not found in team/app (MANIFEST_UNKNOWN: manifest unknown)`,
    });
    // distribution answers MANIFEST_UNKNOWN for an unknown repository too (NAME_UNKNOWN: see the fake below).
    const repo = await runCheck(imageDigestCheck, { image: `${registry.host}/team/nothing:1.0` });
    expect(repo).toMatchObject({
      passed: false,
      message: `${registry.host}/team/nothing:1.0: tag '1.0' not found in team/nothing (MANIFEST_UNKNOWN: manifest unknown)`,
    });
    const digest = await runCheck(imageDigestCheck, { image: `${registry.host}/team/app@${WRONG_DIGEST}` });
    expect(digest.passed).toBe(false);
    expect(digest.message).toContain(`manifest ${WRONG_DIGEST} not found in team/app`);
  });

  it('fails a wrong digest, showing both', async () => {
    const outcome = await runCheck(imageDigestCheck, { image: `${registry.host}/team/app:1.2.3`, digest: WRONG_DIGEST });
    expect(outcome).toEqual({
      passed: false,
      threshold: WRONG_DIGEST,
      message: `${registry.host}/team/app:1.2.3: digest ${pushed.digest}, expected ${WRONG_DIGEST}`,
    });
  });

  it('uses the registry option as the host of a reference that names none', async () => {
    expect((await runCheck(imageDigestCheck, { image: 'team/app:1.2.3', registry: registry.host })).passed).toBe(true);
    expect((await runCheck(imageDigestCheck, { image: 'team/app:1.2.3', registry: registry.url })).passed).toBe(true);
  });

  it('says when the registry is unreachable', async () => {
    const closed = await startServer(() => undefined);
    await closed.close();
    const host = closed.url.replace('http://', '');
    const outcome = await runCheck(imageDigestCheck, { image: `${host}/team/app:1.2.3` });
    expect(outcome.passed).toBe(false);
    expect(outcome.message).toMatch(new RegExp(`^${host}/team/app:1\\.2\\.3: registry ${host} unreachable: .*ECONNREFUSED`));
  });
});

describe('image_digest authentication and verification against a fake registry', () => {
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: {}, layers: [] }));
  const USER = 'ci';
  const PASSWORD = 'pa55-w0rd-secret';
  let fake: TestServer;

  beforeAll(async () => {
    fake = await startServer((req, res) => {
      const auth = req.headers.authorization;
      if (req.path === '/token') {
        if (!auth) return sendJson(res, 200, { access_token: 'anonymous-token' });
        if (auth === `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`) return sendJson(res, 200, { token: 'user-token' });
        return sendJson(res, 401, { details: 'incorrect username or password' });
      }
      const [, repository] = /^\/v2\/(.+)\/manifests\/1\.0$/.exec(req.path) ?? [];
      if (!repository) return sendJson(res, 404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] });
      if (repository === 'team/hang') return; // never answers
      const challenge =
        repository === 'basic/app'
          ? 'Basic realm="fake"'
          : `Bearer realm="${fake.url}/token",service="fake-registry",scope="repository:${repository}:pull"`;
      const allowed =
        repository === 'basic/app'
          ? auth === `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`
          : auth === 'Bearer anonymous-token' || auth === 'Bearer user-token';
      if (!allowed)
        return sendJson(
          res,
          401,
          { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
          { 'www-authenticate': challenge },
        );
      // team/liar claims a digest its content does not have.
      const claimed = repository === 'team/liar' ? `sha256:${'a'.repeat(64)}` : sha256(manifest);
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'docker-content-digest': claimed, 'content-length': manifest.length });
      res.end(req.method === 'HEAD' ? undefined : manifest);
    });
  });
  afterAll(() => fake.close());

  const host = (): string => fake.url.replace('http://', '');
  const requests = (from: number): string[] =>
    fake.requests.slice(from).map((r) => `${r.method} ${r.path} ${r.headers.authorization?.split(' ')[0] ?? '-'}`);

  it('fetches an anonymous token on a Bearer challenge, then asks again with it (HEAD only)', async () => {
    const from = fake.requests.length;
    const outcome = await runCheck(imageDigestCheck, { image: `${host()}/team/app:1.0` });
    expect(outcome).toEqual({ passed: true, message: `${host()}/team/app:1.0 → ${sha256(manifest)} (${OCI_MANIFEST})` });
    expect(requests(from)).toEqual(['HEAD /v2/team/app/manifests/1.0 -', 'GET /token -', 'HEAD /v2/team/app/manifests/1.0 Bearer']);
    const tokenRequest = fake.requests[from + 1]!;
    expect(Object.fromEntries(tokenRequest.query)).toEqual({ service: 'fake-registry', scope: 'repository:team/app:pull' });
  });

  it('sends REGISTRY_USERNAME/REGISTRY_PASSWORD to the token service, and GETs the body to verify', async () => {
    const from = fake.requests.length;
    const env = { REGISTRY_USERNAME: USER, REGISTRY_PASSWORD: PASSWORD };
    const outcome = await runCheck(imageDigestCheck, { image: `${host()}/team/app:1.0`, verify: true }, checkContext({ env }));
    expect(outcome.passed).toBe(true);
    expect(outcome.message).toContain('content verified');
    expect(requests(from)).toEqual([
      'HEAD /v2/team/app/manifests/1.0 -',
      'GET /token Basic',
      'HEAD /v2/team/app/manifests/1.0 Bearer',
      'GET /v2/team/app/manifests/1.0 Bearer',
    ]);
    expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer user-token');
  });

  it('reports refused credentials without the password', async () => {
    const env = { REGISTRY_USERNAME: USER, REGISTRY_PASSWORD: 'wrong-password' };
    const outcome = await runCheck(imageDigestCheck, { image: `${host()}/team/app:1.0` }, checkContext({ env }));
    expect(outcome).toEqual({
      passed: false,
      message: `${host()}/team/app:1.0: authentication failed: token service ${host()} refused the credentials of 'ci' (HTTP 401)`,
    });
  });

  it('answers a Basic challenge with the credentials, and says when there are none', async () => {
    const env = { REGISTRY_USERNAME: USER, REGISTRY_PASSWORD: PASSWORD };
    const withCredentials = await runCheck(imageDigestCheck, { image: `${host()}/basic/app:1.0` }, checkContext({ env }));
    expect(withCredentials.passed).toBe(true);
    expect(withCredentials.message).not.toContain(PASSWORD);
    const without = await runCheck(imageDigestCheck, { image: `${host()}/basic/app:1.0` });
    expect(without.message).toBe(
      `${host()}/basic/app:1.0: authentication failed: registry requires credentials: set REGISTRY_USERNAME and REGISTRY_PASSWORD`,
    );
  });

  it('gives up on a registry that does not answer within the timeout', async () => {
    const outcome = await runCheck(imageDigestCheck, { image: `${host()}/team/hang:1.0`, timeout: '150ms' });
    expect(outcome).toEqual({ passed: false, message: `${host()}/team/hang:1.0: registry ${host()} timed out after 150ms` });
  });

  it('names an unknown repository (NAME_UNKNOWN) as such', async () => {
    const outcome = await runCheck(imageDigestCheck, { image: `${host()}/team/gone:2.0` });
    expect(outcome.message).toBe(
      `${host()}/team/gone:2.0: repository team/gone not found (NAME_UNKNOWN: repository name not known to registry)`,
    );
  });

  it('catches a registry whose claimed digest does not match the content', async () => {
    const unverified = await runCheck(imageDigestCheck, { image: `${host()}/team/liar:1.0` });
    expect(unverified.passed).toBe(true);
    const verified = await runCheck(imageDigestCheck, { image: `${host()}/team/liar:1.0`, verify: true });
    expect(verified).toMatchObject({ passed: false });
    expect(verified.message).toBe(
      `${host()}/team/liar:1.0: manifest content does not match: the registry claims sha256:${'a'.repeat(64)}` +
        ` but the ${manifest.length} bytes served hash to ${sha256(manifest)}`,
    );
  });
});

describe('image_digest plan', () => {
  it("reads the template's registry: ecr as a label and resolves ${IMAGE}", () => {
    const ctx = checkContext({ env: { IMAGE: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api:2.0' } });
    expect(planCheck(imageDigestCheck, { registry: 'ecr', verify: true }, ctx)).toEqual({
      summary:
        'resolve 123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api:2.0' +
        ' at https://123456789012.dkr.ecr.eu-west-1.amazonaws.com, verifying the manifest content ' +
        "(registry 'ecr' is a label, not a host (no dot or colon)" +
        ': the host comes from the image reference (123456789012.dkr.ecr.eu-west-1.amazonaws.com))',
      problems: [],
    });
  });

  it('defaults to Docker Hub, with library/ for official images', () => {
    const ctx = checkContext({ env: { IMAGE: 'alpine' } });
    expect(planCheck(imageDigestCheck, {}, ctx).summary).toBe('resolve docker.io/library/alpine:latest at https://registry-1.docker.io');
    expect(planCheck(imageDigestCheck, { registry: 'ecr' }, ctx).summary).toContain(
      'the image reference names no host, so Docker Hub is asked',
    );
  });

  it('says what is missing or wrong', () => {
    expect(planCheck(imageDigestCheck, {}).problems).toEqual([
      'image is not set and defaults to ${IMAGE}, which is not a launch variable (set image, or IMAGE in launch.vars or the vars input)',
    ]);
    const problem = (raw: Record<string, unknown>, env: Record<string, string> = {}): string | undefined =>
      planCheck(imageDigestCheck, raw, checkContext({ env })).problems[0];
    expect(problem({ image: 'app:1', digest: 'sha256:abc' })).toBe("digest 'sha256:abc' is not sha256:<64 hex> or sha512:<128 hex>");
    expect(problem({ image: `app@sha256:${'1'.repeat(64)}`, digest: WRONG_DIGEST })).toContain('contradicts the image reference');
    expect(problem({ image: 'App:1' })).toContain("repository 'App' must be lowercase");
    expect(problem({ image: 'app:1' }, { REGISTRY_USERNAME: 'ci' })).toBe(
      'REGISTRY_USERNAME and REGISTRY_PASSWORD go together: set both or neither',
    );
  });
});
