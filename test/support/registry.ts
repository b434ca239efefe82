import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { waitFor } from './wait-for';

const BINARY = '/usr/bin/docker-registry';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export interface TestRegistry {
  /** http://127.0.0.1:<port> */
  url: string;
  /** 127.0.0.1:<port>, as an image reference names it. */
  host: string;
  close(): Promise<void>;
}

export interface PushedImage {
  digest: string;
  manifest: Buffer;
}

/**
 * Starts the CNCF distribution registry (Debian's docker-registry) on 127.0.0.1 and a port of its
 * choosing, with filesystem storage in a temporary folder; resolves once /v2/ answers.
 */
export async function startRegistry(): Promise<TestRegistry> {
  if (!existsSync(BINARY)) {
    throw new Error(`${BINARY} is missing: the image_digest tests need a real registry (apt-get install docker-registry)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'registry-'));
  const config = join(dir, 'config.yml');
  // Log level info: the "listening on <address>" line is how the chosen port becomes known.
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: info',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      'http:',
      '  addr: 127.0.0.1:0',
      '',
    ].join('\n'),
  );
  const child = spawn(BINARY, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const host = await waitFor(() => {
      if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${output.slice(-500)}`);
      return /listening on (127\.0\.0\.1:\d+)/.exec(output)?.[1];
    }, 'docker-registry to listen');
    const url = `http://${host}`;
    await waitFor(async () => (await fetch(`${url}/v2/`)).status === 200, `${url}/v2/ to answer`);
    return { url, host, close: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Pushes a one-layer OCI image through the registry API: two blob uploads (POST, PUT), then the manifest. */
export async function pushImage(registryUrl: string, repository: string, tag: string): Promise<PushedImage> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const layer = gzipSync(Buffer.from(`layer of ${repository}:${tag}\n`));
  const descriptor = (mediaType: string, bytes: Buffer) => ({ mediaType, digest: sha256(bytes), size: bytes.length });
  await uploadBlob(registryUrl, repository, config);
  await uploadBlob(registryUrl, repository, layer);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: descriptor('application/vnd.oci.image.config.v1+json', config),
      layers: [descriptor('application/vnd.oci.image.layer.v1.tar+gzip', layer)],
    }),
  );
  const response = await fetch(`${registryUrl}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': OCI_MANIFEST },
    body: new Uint8Array(manifest),
  });
  await expectStatus(response, 201, 'manifest upload');
  return { digest: sha256(manifest), manifest };
}

async function uploadBlob(registryUrl: string, repository: string, bytes: Buffer): Promise<void> {
  const started = await fetch(`${registryUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  await expectStatus(started, 202, 'blob upload start');
  const location = new URL(started.headers.get('location')!, registryUrl);
  location.searchParams.set('digest', sha256(bytes));
  const finished = await fetch(location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
  });
  await expectStatus(finished, 201, 'blob upload');
}

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  const body = await response.text();
  if (response.status !== status) throw new Error(`${what}: expected ${status}, got ${response.status}: ${body}`);
}
