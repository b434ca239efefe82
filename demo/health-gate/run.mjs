// The health-gate demo (`npm run demo -- --basic`): starts the demo service on 127.0.0.1 with version
// 1.0.0, launches 2.0.0 with the shipped CLI, and shows the failed health gate and the automatic rollback.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchWithCli } from '../launch-cli.mjs';

/** Resolves to the demo's exit status: 0 when it went as described. */
export async function runHealthGateDemo() {
  const dir = mkdtempSync(join(tmpdir(), 'launch-action-demo-'));
  writeFileSync(join(dir, 'version'), '1.0.0');
  const service = spawn(process.execPath, ['demo/health-gate/service.mjs'], { env: { ...process.env, DEMO_DIR: dir }, stdio: 'inherit' });

  const until = Date.now() + 10_000;
  while (!existsSync(join(dir, 'port'))) {
    if (Date.now() > until) throw new Error('the demo service did not start');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const baseUrl = `http://127.0.0.1:${readFileSync(join(dir, 'port'), 'utf8')}`;
  console.log(`demo service running at ${baseUrl} with version 1.0.0\n`);

  const args = ['--version', '2.0.0', '--previous-version', '1.0.0', '--var', `BASE_URL=${baseUrl}`, '--var', `DEMO_DIR=${dir}`];
  const launch = await launchWithCli('demo/health-gate/launch.yml', args, dir);

  const version = await (await fetch(`${baseUrl}/version`)).text();
  const health = (await fetch(`${baseUrl}/health`)).status;
  service.kill('SIGTERM');
  console.log(`\nafter the launch: the service runs ${version}, /health answers ${health}`);
  const asExpected = launch.status === 1 && version === '1.0.0' && health === 200;
  console.log(asExpected ? 'demo complete: the bad release was caught and rolled back' : 'demo did not go as expected');
  return asExpected ? 0 : 1;
}
