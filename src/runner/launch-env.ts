import type { Launch } from '../spec/schema';
import type { Settings } from '../settings/inputs';
import type { LaunchMode } from '../events/states';

export interface LaunchIdentity {
  launchId: string;
  mode: LaunchMode;
  environment: string;
  version?: string;
  previousVersion?: string;
}

/**
 * The variables every command and check sees: the spec's vars, overridden by the `vars` input, plus
 * LAUNCH_* context. Commands read them from the environment; nothing is spliced into command text.
 */
export function buildLaunchEnv(launch: Launch, settings: Settings, identity: LaunchIdentity): Record<string, string> {
  const env: Record<string, string> = { ...launch.vars, ...settings.vars };
  env.LAUNCH_ID = identity.launchId;
  env.LAUNCH_MODE = identity.mode;
  env.LAUNCH_ENVIRONMENT = identity.environment;
  env.LAUNCH_VERSION = identity.version ?? '';
  env.LAUNCH_PREVIOUS_VERSION = identity.previousVersion ?? '';
  if (launch.service) env.LAUNCH_SERVICE = launch.service;
  return env;
}
