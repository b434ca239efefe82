import type { PlanContext } from './check';

/**
 * The names a metric query may use: the launch environment (LAUNCH_VERSION...) plus friendly names —
 * `environment`, `version`, `previous_version`, `phase`, `weight`, `service`, `vars.NAME`. A name
 * whose value is unknown stays undefined, so `${version}` fails loudly instead of becoming "".
 */
export function templateScope(ctx: PlanContext): Record<string, string | undefined> {
  const { env, launch, settings } = ctx;
  const known = (value: string | undefined): string | undefined => value || undefined;
  const vars = { ...launch.vars, ...settings.vars };
  return {
    ...env,
    ...Object.fromEntries(Object.entries(vars).map(([name, value]) => [`vars.${name}`, value])),
    environment: known(env.LAUNCH_ENVIRONMENT) ?? settings.environment ?? launch.environment,
    version: known(env.LAUNCH_VERSION) ?? settings.version,
    previous_version: known(env.LAUNCH_PREVIOUS_VERSION) ?? settings.previousVersion,
    phase: known(env.LAUNCH_PHASE) ?? ctx.phase,
    // Set by the canary strategy for each step; unknown outside one.
    weight: known(env.LAUNCH_WEIGHT),
    service: launch.service,
  };
}
