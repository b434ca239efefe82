import { z } from 'zod';
import { launchModeSchema } from '../events/states';
import { providerCredentialFields, providerKinds } from '../metrics/providers/registry';
import type { InputForm } from '../metrics/providers/provider-kind';
import { urlSecretParts } from '../util/redactor';

/**
 * Every action input, read and validated in one place. The CLI fills the same Settings from its
 * arguments, so the rest of the code never touches INPUT_* variables or argv.
 */
/** Names and versions are printed and sent everywhere: a line break in one could forge a log line. */
const singleLineSchema = z.string().regex(/^[^\r\n]*$/, { error: 'must be a single line' });

export const settingsSchema = z.object({
  spec: z.string().min(1),
  mode: launchModeSchema,
  environment: singleLineSchema.optional(),
  version: singleLineSchema.optional(),
  previousVersion: singleLineSchema.optional(),
  vars: z.record(z.string(), z.string()),
  /** Names of the `vars` entries that came from the `secret-vars` input: every value is a secret. */
  secretVarNames: z.array(z.string()),
  workingDirectory: z.string(),
  // Each metrics provider's credentials (providers/registry.ts); Datadog's events notifier shares its keys.
  ...providerCredentialFields,
  datadog: providerCredentialFields.datadog.extend({ eventsUrl: z.url().optional() }),
  slack: z.object({
    webhookUrl: z.url().optional(),
    apiUrl: z.url().optional(),
    botToken: z.string().optional(),
    channel: singleLineSchema.optional(),
  }),
  github: z.object({
    token: z.string().optional(),
  }),
});
export type Settings = z.infer<typeof settingsSchema>;

/** `apiKey` → `api-key`: a Settings field's input name. */
const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The inputs whose values are secrets: the CLI reads them from the environment, never from arguments. */
export const SECRET_INPUTS = [
  ...providerInputs().flatMap(({ input, form }) => (form === 'secret' ? [input] : [])),
  'slack-webhook-url',
  'slack-bot-token',
  'github-token',
  'secret-vars',
];

/** Variables whose names say they hold a credential (REGISTRY_PASSWORD, API_TOKEN...) are masked too. */
const SECRET_VAR_NAME = /PASSWORD|PASSWD|TOKEN|SECRET|API_?KEY|PRIVATE|CREDENTIAL/i;

export class InputError extends Error {}

/** Every provider's credential inputs: `prometheus-token` is the prometheus provider's `token`. */
function providerInputs(): { provider: string; field: string; input: string; form: InputForm }[] {
  return providerKinds.flatMap((kind) =>
    Object.entries(kind.credentials.inputs as Record<string, InputForm>).map(([field, form]) => ({
      provider: kind.name,
      field,
      input: `${kind.name}-${kebab(field)}`,
      form,
    })),
  );
}

/** The providers' credentials as the inputs give them; a field's default applies when its input is empty. */
function readProviderInputs(get: (name: string) => string): Record<string, Record<string, unknown>> {
  const read: Record<string, Record<string, unknown>> = Object.fromEntries(providerKinds.map((kind) => [kind.name, {}]));
  for (const { provider, field, input, form } of providerInputs()) {
    read[provider]![field] = form === 'headers' ? parseKeyValueLines(get(input), input, ':') : get(input) || undefined;
  }
  return read;
}

/** Parses `KEY=value` lines (blank lines and `#` comments skipped). Values may contain `=`. */
export function parseKeyValueLines(text: string, what: string, separator: '=' | ':' = '='): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const at = line.indexOf(separator);
    const key = at > 0 ? line.slice(0, at).trim() : '';
    const valid = separator === '=' ? /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) : /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key);
    // The line itself is not echoed: it may hold a secret that is not masked yet.
    if (!valid) throw new InputError(`${what} line ${index + 1}: expected NAME${separator}value`);
    out[key] = line.slice(at + 1).trim();
  });
  return out;
}

/** Reads inputs through `get` (core.getInput in the action) and validates them into Settings. */
export function readSettings(get: (name: string) => string): Settings {
  const optional = (name: string): string | undefined => get(name) || undefined;
  const secretVars = parseKeyValueLines(get('secret-vars'), 'secret-vars');
  const providers = readProviderInputs(get);
  const raw = {
    spec: get('spec') || '.github/launch.yml',
    mode: get('mode') || 'launch',
    environment: optional('environment'),
    version: optional('version'),
    previousVersion: optional('previous-version'),
    // Credentials for the commands travel with the other variables (commands see them the same
    // way); their names are kept so that each value is masked whatever the name.
    vars: { ...parseKeyValueLines(get('vars'), 'vars'), ...secretVars },
    secretVarNames: Object.keys(secretVars),
    workingDirectory: get('working-directory') || '.',
    ...providers,
    datadog: { ...providers.datadog, eventsUrl: optional('datadog-events-url') },
    slack: {
      webhookUrl: optional('slack-webhook-url'),
      apiUrl: optional('slack-api-url'),
      botToken: optional('slack-bot-token'),
      channel: optional('slack-channel'),
    },
    github: { token: optional('github-token') },
  };
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = inputNameOf(issue.path);
    throw new InputError(`input '${name}': ${issue.message}`);
  }
  if (parsed.data.slack.botToken && !parsed.data.slack.channel) {
    throw new InputError("input 'slack-channel': required when 'slack-bot-token' is set");
  }
  for (const kind of providerKinds) {
    const problem = kind.checkCredentials?.(parsed.data[kind.name] as never);
    if (problem) throw new InputError(problem);
  }
  return parsed.data;
}

function inputNameOf(path: PropertyKey[]): string {
  const [group, field] = path.map(String);
  if (field && group !== 'vars') return `${group}-${kebab(field)}`;
  return kebab(group ?? '');
}

/** Every secret value in the settings: masked in the log, redacted from whatever we write or send. */
export function secretsOf(settings: Settings): string[] {
  const { slack, github, vars, secretVarNames } = settings;
  return [
    ...providerKinds.flatMap((kind) => kind.secretsOf(settings[kind.name] as never)),
    slack.webhookUrl,
    // A command may print the webhook's secret path without the host.
    ...urlSecretParts(slack.webhookUrl, { path: true }),
    slack.botToken,
    github.token,
    ...credentialVars(vars),
    ...secretVarNames.map((name) => vars[name]),
  ].filter((value): value is string => Boolean(value));
}

/** The values of variables whose names say they hold a credential: the `vars` input's and the spec's own. */
export function credentialVars(vars: Record<string, string>): string[] {
  return Object.entries(vars).flatMap(([name, value]) => (SECRET_VAR_NAME.test(name) && value ? [value] : []));
}

/** The names of a spec's vars that look like credentials: they belong in a secret, not in the file. */
export function credentialVarNames(vars: Record<string, string>): string[] {
  return Object.keys(vars).filter((name) => SECRET_VAR_NAME.test(name) && vars[name]);
}

/** Settings with nothing configured beyond the spec: for the CLI and tests. */
export function defaultSettings(overrides: Partial<Settings> = {}): Settings {
  return { ...readSettings(() => ''), ...overrides };
}
