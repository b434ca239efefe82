import { routerSchema, routerFor, type RouterSpec } from '../routers/registry';
import type { Shift } from '../routers/router';
import type { PhaseFields } from '../phases/phase';

/** The `router` field canary and blue_green share: the plug-in that shifts their traffic. */
export function routerField(backends: string) {
  return routerSchema
    .optional()
    .meta({ description: `Traffic router (command, nginx, haproxy, http) with ${backends}; instead of the command field` });
}

/** Exactly one of the strategy's command field and `router`, and a router that names the strategy's backends. */
export function routerProblem(
  command: string | undefined,
  router: RouterSpec | undefined,
  commandField: string,
  backends: readonly string[],
): { path: string; message: string } | undefined {
  if ((command === undefined) === (router === undefined))
    return { path: commandField, message: `give exactly one of ${commandField} (a command) or router` };
  if (!router) return undefined;
  const named = routerFor(router).backends(router);
  if (!named) return undefined;
  const same = named.length === backends.length && backends.every((backend) => named.includes(backend));
  return same
    ? undefined
    : { path: 'router', message: `the router names backends ${named.join(', ') || '(none)'}, expected exactly ${backends.join(' and ')}` };
}

/** A phase's traffic action: shift to `shift`, and when it is the one undone, back to all-stable on rollback. */
export function shiftPhaseFields(router: RouterSpec, shift: Shift, undone: boolean): Pick<PhaseFields, 'traffic' | 'rollbackTraffic'> {
  return { traffic: { router, shift }, rollbackTraffic: undone ? { router, shift: { ...shift, weight: 0 } } : undefined };
}
