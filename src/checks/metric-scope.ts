import type { PlanContext } from './check';

/**
 * The names a metric query may use: the launch environment (LAUNCH_VERSION...) plus friendly names —
 * `environment`, `version`, `previous_version`, `phase`, `weight`, `service`, `vars.NAME`. A name
 * whose value is unknown stays undefined, so `${version}` fails loudly instead of becoming "".
 */
export function templateScope(ctx: PlanContext): Record<string, string | undefined> {
  const { env, launch } = ctx;
  const known = (value: string | undefined): string | undefined => value || undefined;
  return {
    ...env,
    ...Object.fromEntries(Object.entries(launch.vars).map(([name, value]) => [`vars.${name}`, value])),
    environment: known(env.LAUNCH_ENVIRONMENT) ?? launch.environment,
    version: known(env.LAUNCH_VERSION) ?? launch.version,
    previous_version: known(env.LAUNCH_PREVIOUS_VERSION) ?? launch.previousVersion,
    phase: known(env.LAUNCH_PHASE) ?? ctx.phase,
    // Set by the canary strategy for each step; unknown outside one.
    weight: known(env.LAUNCH_WEIGHT),
    service: launch.service,
  };
}
