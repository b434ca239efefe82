import type { Launch } from '../spec/schema';
import type { Settings } from '../settings/inputs';
import type { CheckLaunch } from '../checks/check';
import { LaunchProviders } from '../metrics/providers/launch-providers';

/** What the checks of `launch` need, the metric providers built once from the spec and the credential inputs. */
export function checkLaunch(launch: Launch, settings: Settings): CheckLaunch {
  return {
    base_url: launch.base_url,
    service: launch.service,
    environment: settings.environment ?? launch.environment,
    vars: { ...launch.vars, ...settings.vars },
    version: settings.version,
    previousVersion: settings.previousVersion,
    metrics: launch.metrics,
    providers: new LaunchProviders(launch.providers, settings),
  };
}
