import { z } from 'zod';
import { optionalFields } from '../util/optional-fields';
import type { CheckContext, CheckKind, CheckOutcome, CheckPlan, PlanContext } from './check';
import { commandCheck } from './command';
import { httpStatusCheck } from './http-status';
import { imageDigestCheck } from './image-digest';
import { schemaCompatibilityCheck } from './schema-compatibility';
import { featureFlagEvaluationCheck } from './feature-flag-evaluation';
import { flagExposureCheck } from './flag-exposure';
import { metricCheck } from './metric';

/**
 * Every check kind a spec may name, by its `type`. Add a kind by writing its file and listing it
 * here; `satisfies` keeps each key its kind's own `type`.
 */
const registered = {
  http_status: httpStatusCheck,
  image_digest: imageDigestCheck,
  schema_compatibility: schemaCompatibilityCheck,
  feature_flag_evaluation: featureFlagEvaluationCheck,
  flag_exposure: flagExposureCheck,
  command: commandCheck,
  metric: metricCheck,
} satisfies { [T in string]: CheckKind<z.ZodObject, T> };

export type CheckType = keyof typeof registered;
type ConfigSchemaOf<T extends CheckType> = (typeof registered)[T] extends CheckKind<infer S> ? S : never;
/** Each kind's config, by its type. */
export type CheckConfigs = { [T in CheckType]: z.output<ConfigSchemaOf<T>> };
type CheckOf<T extends CheckType> = { [P in T]: { type: P; name: string; config: CheckConfigs[P] } }[T];
/** One check as a phase holds it: its config's type follows its `type`, so checks built in code are type-checked. */
export type CheckSpec = CheckOf<CheckType>;

// Written as a mapped type so that kinds[type] and CheckConfigs[type] stay tied for a generic type.
const kinds: { [T in CheckType]: CheckKind<ConfigSchemaOf<T>, T> } = registered;

/** A check bound to its kind, planned and run without restating its config; undefined for a type no kind has. */
export interface BoundCheck {
  plan(ctx: PlanContext): CheckPlan;
  run(ctx: CheckContext): Promise<CheckOutcome>;
}

export function bindCheck(check: CheckSpec): BoundCheck | undefined {
  return bind(check.type, check.config);
}

function bind<T extends CheckType>(type: T, config: CheckConfigs[T]): BoundCheck | undefined {
  // A spec read back without the schema (a saved plan from an older version) may name a kind no longer here.
  if (!Object.hasOwn(kinds, type)) return undefined;
  const kind = kinds[type];
  return { plan: (ctx) => kind.plan(config, ctx), run: (ctx) => kind.run(config, ctx) };
}

/**
 * One check in a spec: `type`, an optional `name`, and the kind's fields either flat (native form) or
 * under `config:` (the product brief's template form). Both become `{type, name, config}`.
 */
function checkEntrySchema<T extends CheckType>(type: T) {
  const kind: CheckKind<ConfigSchemaOf<T>, T> = kinds[type];
  // Both places take every field as optional and without its default: defaults are applied once, to
  // the merged settings, or a flat default would overwrite what was written under `config:`.
  const fields: Record<string, z.ZodOptional> = optionalFields(kind.config.unwrap().shape);
  return z
    .object({
      type: z.literal(kind.type),
      name: z.string().min(1).optional(),
      config: z.object(fields).strict().optional(),
      ...fields,
    })
    .strict()
    .meta({ description: kind.description })
    .transform((entry, ctx): CheckOf<T> => {
      const { type: _type, name, config, ...flat } = entry as Record<string, unknown> & { name?: string; config?: object };
      const merged = kind.config.safeParse({ ...(config ?? {}), ...flat });
      if (!merged.success) {
        // Keep each issue's own code so the loader can word it (missing key, wrong type...).
        for (const issue of merged.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
        return z.NEVER;
      }
      // The kind's parsed config is CheckConfigs[T] by definition; TypeScript cannot see that for a generic T.
      return { type, name: name ?? type, config: merged.data } as CheckOf<T>;
    });
}

const checkEntries = (Object.keys(kinds) as CheckType[]).map((type) => z.lazy(() => checkEntrySchema(type)));
// discriminatedUnion wants a non-empty tuple; the kinds are one, but map() returns a plain array.
export const checkSchema = z.discriminatedUnion(
  'type',
  checkEntries as [(typeof checkEntries)[number], ...(typeof checkEntries)[number][]],
);
