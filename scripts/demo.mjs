// `npm run demo`: the canary demo (demo/canary); `npm run demo -- --basic`: the health-gate demo
// (demo/health-gate). Each runs the shipped CLI (dist/) and exits 0 when the demo went as described.
import { runCanaryDemo } from '../demo/canary/run.mjs';
import { runHealthGateDemo } from '../demo/health-gate/run.mjs';

const args = process.argv.slice(2);
if (args.some((arg) => arg !== '--basic')) {
  console.error(
    'usage: npm run demo [-- --basic]\n  (no option) a canary rolled back on its error rate\n' +
      '  --basic     a launch rolled back on a failed health check',
  );
  process.exit(2);
}
process.exit(await (args.includes('--basic') ? runHealthGateDemo() : runCanaryDemo()));
