import { describe, expect, it } from 'vitest';
import { locateImage, parseImageReference, parseRegistryOption } from '../../src/oci/image-reference';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('image references', () => {
  it.each([
    ['alpine', { host: undefined, path: 'alpine', tag: undefined, digest: undefined }],
    ['team/app:1.2.3', { host: undefined, path: 'team/app', tag: '1.2.3' }],
    ['registry.example.com:5000/team/app:1.2.3', { host: 'registry.example.com:5000', path: 'team/app', tag: '1.2.3' }],
    ['localhost/app', { host: 'localhost', path: 'app', tag: undefined }],
    [`ghcr.io/org/repo/sub:v1@${DIGEST}`, { host: 'ghcr.io', path: 'org/repo/sub', tag: 'v1', digest: DIGEST }],
    [`[::1]:5000/app@${DIGEST}`, { host: '[::1]:5000', path: 'app', tag: undefined, digest: DIGEST }],
  ])('parses %s', (text, expected) => {
    expect(parseImageReference(text)).toMatchObject(expected);
  });

  it.each([
    ['app@sha256:123', "digest 'sha256:123' is not"],
    ['app:bad!tag', "tag 'bad!tag' is not a valid tag"],
    ['team/App', "repository 'team/App' must be lowercase"],
    ['team//app', 'must be lowercase components'],
    ['bad_host.example.com/app', "'bad_host.example.com' is not a valid registry host"],
  ])('rejects %s', (text, message) => {
    expect(() => parseImageReference(text)).toThrow(message);
  });

  it('tells a registry host or URL from a label', () => {
    expect(parseRegistryOption('ecr')).toEqual({ kind: 'label', label: 'ecr' });
    expect(parseRegistryOption('localhost')).toEqual({ kind: 'host', host: 'localhost' });
    expect(parseRegistryOption('registry.internal:5000')).toEqual({ kind: 'host', host: 'registry.internal:5000' });
    expect(parseRegistryOption('http://10.0.0.5:5000/')).toEqual({ kind: 'host', host: '10.0.0.5:5000', scheme: 'http' });
  });

  it('locates Docker Hub images at registry-1.docker.io, with library/ for single names', () => {
    expect(locateImage(parseImageReference('nginx:1.27'), undefined, undefined)).toEqual({
      apiUrl: 'https://registry-1.docker.io',
      repository: 'library/nginx',
      reference: '1.27',
      display: 'docker.io/library/nginx:1.27',
    });
    expect(locateImage(parseImageReference('docker.io/grafana/grafana'), undefined, undefined)).toMatchObject({
      repository: 'grafana/grafana',
      reference: 'latest',
    });
  });

  it('uses the registry option only for references without a host, and no library/ there', () => {
    const option = parseRegistryOption('registry.internal:5000');
    expect(locateImage(parseImageReference('app:1'), option, undefined)).toMatchObject({
      apiUrl: 'https://registry.internal:5000',
      repository: 'app',
      display: 'registry.internal:5000/app:1',
    });
    expect(locateImage(parseImageReference('ghcr.io/o/app:1'), option, undefined).apiUrl).toBe('https://ghcr.io');
    expect(locateImage(parseImageReference('app:1'), parseRegistryOption('ecr'), undefined).apiUrl).toBe('https://registry-1.docker.io');
  });

  it('speaks plain http to this machine only, unless told otherwise', () => {
    expect(locateImage(parseImageReference('127.0.0.1:5000/app'), undefined, undefined).apiUrl).toBe('http://127.0.0.1:5000');
    expect(locateImage(parseImageReference('localhost:5000/app'), undefined, undefined).apiUrl).toBe('http://localhost:5000');
    expect(locateImage(parseImageReference('127.0.0.1:5000/app'), undefined, false).apiUrl).toBe('https://127.0.0.1:5000');
    expect(locateImage(parseImageReference('registry.lan/app'), undefined, true).apiUrl).toBe('http://registry.lan');
    expect(locateImage(parseImageReference('app'), parseRegistryOption('http://registry.lan'), undefined).apiUrl).toBe(
      'http://registry.lan',
    );
  });

  it('looks up the digest when a reference has both tag and digest', () => {
    expect(locateImage(parseImageReference(`ghcr.io/o/app:1@${DIGEST}`), undefined, undefined)).toMatchObject({
      reference: DIGEST,
      display: `ghcr.io/o/app:1@${DIGEST}`,
    });
    expect(locateImage(parseImageReference(`ghcr.io/o/app@${DIGEST}`), undefined, undefined).display).toBe(`ghcr.io/o/app@${DIGEST}`);
  });
});
