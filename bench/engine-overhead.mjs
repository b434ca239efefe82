// Engine overhead: a spec of 500 phases of `true`, run by the shipped CLI. Overhead is the wall time
// beyond the commands themselves (their durations come from the report). Target: under 2 s.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, timeNode } from './lib.mjs';

const PHASES = 500;
const dir = mkdtempSync(join(tmpdir(), 'bench-engine-'));
const phases = Array.from({ length: PHASES }, (_, i) => `    - { id: p${i}, run: "true", rollback: "true" }`).join('\n');
writeFileSync(join(dir, 'launch.yml'), `launch:\n  phases:\n${phases}\n`);

const run = await timeNode(['dist/cli/index.js', 'launch', '--spec', join(dir, 'launch.yml'), '--report-dir', dir]);
if (run.code !== 0) throw new Error(run.stdout + run.stderr);
const reportPath = /report: (.+)$/m.exec(run.stdout)[1];
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const commandsMs = report.events.filter((e) => e.type === 'command.finished').reduce((sum, e) => sum + e.durationMs, 0);
console.log(`engine overhead, ${PHASES} phases of \`true\``);
console.log(`  wall time:        ${fmt(run.ms)}`);
console.log(`  commands:         ${fmt(commandsMs)} (sum of ${PHASES} command durations)`);
console.log(`  overhead:         ${fmt(run.ms - commandsMs)} (target < 2000 ms; includes Node start-up)`);
console.log(`  peak RSS:         ${run.rssMb.toFixed(1)} MB`);
