import { z } from 'zod';
import type { TrafficRouter } from './router';
import { commandRouter } from './command';
import { nginxRouter } from './nginx';
import { haproxyRouter } from './haproxy';
import { httpRouter } from './http';

/** Every router a spec may name in `router.type`. Add one by writing its file and listing it here. */
const registered = [commandRouter, nginxRouter, haproxyRouter, httpRouter] as const;

const members = registered.map((router) => router.config);
export const routerSchema = z.discriminatedUnion('type', members as unknown as [(typeof members)[number], ...(typeof members)[number][]]);
export type RouterSpec = z.output<typeof routerSchema>;

const routers = registered as unknown as readonly TrafficRouter[];

export function routerFor(spec: RouterSpec): TrafficRouter {
  const router = routers.find((candidate) => candidate.type === spec.type);
  // Only validated specs get here, so this guards a slip in the list, not user input.
  if (!router) throw new Error(`no router handles type '${spec.type}'`);
  return router;
}
