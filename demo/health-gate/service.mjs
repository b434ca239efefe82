// The demo's service: answers /health and /version for whatever version is deployed in $DEMO_DIR/version.
// Version 2.x has a bug: its health check fails (as a bad release would), so the launch rolls back.
import { createServer } from 'node:http';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.DEMO_DIR;
const deployed = () => readFileSync(join(dir, 'version'), 'utf8').trim();

const server = createServer((req, res) => {
  const version = deployed();
  const broken = version.startsWith('2.');
  if (req.url === '/version') return res.writeHead(200, { 'content-type': 'text/plain' }).end(version);
  if (req.url === '/health') {
    return broken
      ? res
          .writeHead(503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'down', version, error: 'connection pool exhausted' }))
      : res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', version }));
  }
  res.writeHead(404).end();
});
// Written aside and renamed: whoever waits for the file never reads it half-written (empty).
server.listen(0, '127.0.0.1', () => {
  writeFileSync(join(dir, 'port.tmp'), String(server.address().port));
  renameSync(join(dir, 'port.tmp'), join(dir, 'port'));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
