import { parseArgs } from 'node:util';
import { readSettings, InputError, SECRET_INPUTS } from './settings/inputs';
import { readRunContext } from './github/run-context';
import { runLaunch } from './runner/run-launch';
import { SpecError } from './spec/problems';
import { errorMessage } from './util/errors';
import { isSuccess } from './events/states';
import type { Printer } from './report/console-log';

const USAGE = `Usage: launch-action <plan|launch|rollback> [options]

  --spec FILE               launch spec (default .github/launch.yml)
  --var KEY=VALUE           a variable for commands and checks (repeatable)
  --environment NAME        override the spec's environment
  --version V               version being launched (LAUNCH_VERSION)
  --previous-version V      version to roll back to (LAUNCH_PREVIOUS_VERSION)
  --working-directory DIR   where commands run (default .)
  --prometheus-url URL      Prometheus for metric checks
  --prometheus-username U   basic-auth user (password from PROMETHEUS_PASSWORD)
  --prometheus-headers H    extra header "Name: value" (repeatable)
  --datadog-site SITE       Datadog site (default datadoghq.com)
  --datadog-events-url URL  Datadog change events to this base URL instead of the site's
  --slack-channel ID        Slack channel for the bot token
  --slack-api-url URL       Slack Web API base URL (GovSlack: https://slack-gov.com/api)
  --report-dir DIR          where the JSON report goes (default: the OS temp dir)

Secrets come from the environment, never from arguments:
  PROMETHEUS_TOKEN, PROMETHEUS_PASSWORD, DATADOG_API_KEY, DATADOG_APP_KEY,
  SLACK_WEBHOOK_URL, SLACK_BOT_TOKEN, GITHUB_TOKEN, SECRET_VARS (KEY=value lines)
Ctrl-C stops the running command and rolls back the phases that started.
Exit status: 0 succeeded, planned, or (rollback) rolled back; 1 failed or rolled back;
2 bad usage, invalid spec, or a rollback with no version to return to.`;

const started = performance.now();
const stamp = (): string => `[${((performance.now() - started) / 1000).toFixed(1).padStart(5)}s]`;
const printer: Printer = {
  info: (line) => console.log(`${stamp()} ${line}`),
  warning: (line) => console.log(`${stamp()} ⚠ ${line}`),
  error: (line) => console.log(`${stamp()} ${line}`),
  startGroup: (title) => console.log(`${stamp()} ${title}`),
  endGroup: () => {},
};

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      spec: { type: 'string' },
      var: { type: 'string', multiple: true },
      environment: { type: 'string' },
      version: { type: 'string' },
      'previous-version': { type: 'string' },
      'working-directory': { type: 'string' },
      'prometheus-url': { type: 'string' },
      'prometheus-username': { type: 'string' },
      'prometheus-headers': { type: 'string', multiple: true },
      'datadog-site': { type: 'string' },
      'datadog-events-url': { type: 'string' },
      'slack-channel': { type: 'string' },
      'slack-api-url': { type: 'string' },
      'report-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const mode = positionals[0];
  if (values.help || !mode || !['plan', 'launch', 'rollback'].includes(mode)) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const secretFromEnv = (name: string): string => process.env[name.toUpperCase().replace(/-/g, '_')] ?? '';
  const settings = readSettings((name) => {
    if (name === 'mode') return mode;
    if (name === 'vars') return (values.var ?? []).join('\n');
    if (name === 'prometheus-headers') return (values['prometheus-headers'] ?? []).join('\n');
    if ((SECRET_INPUTS as readonly string[]).includes(name)) return secretFromEnv(name);
    const value = values[name as keyof typeof values];
    return typeof value === 'string' ? value : '';
  });

  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort(signal));
  const request = { run: readRunContext(), printer, reportDir: values['report-dir'] };
  const outcome = await runLaunch({ ...request, settings, signal: controller.signal });
  console.log(`${stamp()} report: ${outcome.reportPath}`);
  if (outcome.cancelled && outcome.startedPhases.length) {
    // No post step here: the CLI undoes what it started itself. A second Ctrl-C stops at once.
    printer.warning(`Interrupted: rolling back ${[...outcome.startedPhases].reverse().join(' → ')} (press Ctrl-C again to stop now).`);
    const rollback = await runLaunch({
      ...request,
      settings: { ...settings, mode: 'rollback' },
      rollbackPhases: outcome.startedPhases,
      resolvedStrategy: outcome.launch.strategy,
    });
    console.log(`${stamp()} report: ${rollback.reportPath}`);
    return 1;
  }
  return isSuccess(settings.mode, outcome.status) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof SpecError ? `Invalid launch spec; nothing was run.\n${error.message}` : errorMessage(error));
    process.exit(error instanceof SpecError || error instanceof InputError ? 2 : 1);
  },
);
