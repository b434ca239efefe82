// Both demos launch with the shipped CLI (dist/cli), as a user would: its output is the demo's.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs `launch-action launch --spec <spec> ...args --report-dir <dir>` and resolves to its exit status
 * and its JSON report. Ctrl-C reaches the CLI too (one process group): the demo waits while it rolls back.
 */
export async function launchWithCli(spec, args, reportDir) {
  const ignore = () => {};
  process.on('SIGINT', ignore);
  try {
    const cli = spawn(process.execPath, ['dist/cli/index.js', 'launch', '--spec', spec, ...args, '--report-dir', reportDir], {
      stdio: 'inherit',
    });
    const status = await new Promise((resolve, reject) => {
      cli.on('error', reject);
      cli.on('exit', (code, signal) => resolve(code ?? signal));
    });
    const name = readdirSync(reportDir).find((file) => /^launch-report-.*\.json$/.test(file));
    return { status, report: name ? JSON.parse(readFileSync(join(reportDir, name), 'utf8')) : undefined };
  } finally {
    process.off('SIGINT', ignore);
  }
}
