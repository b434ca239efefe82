import { z } from 'zod';
import type { CheckKind } from './check';
import { commandCheck } from './command';
import { httpStatusCheck } from './http-status';
import { imageDigestCheck } from './image-digest';
import { schemaCompatibilityCheck } from './schema-compatibility';
import { featureFlagEvaluationCheck } from './feature-flag-evaluation';
import { flagExposureCheck } from './flag-exposure';
import { metricCheck } from './metric';

/** Every check kind a spec may name. Add a kind by writing its file and listing it here. */
export const checkKinds: readonly CheckKind[] = [
  httpStatusCheck,
  imageDigestCheck,
  schemaCompatibilityCheck,
  featureFlagEvaluationCheck,
  flagExposureCheck,
  commandCheck,
  metricCheck,
] as unknown as CheckKind[];

export function findCheckKind(type: string): CheckKind | undefined {
  return checkKinds.find((kind) => kind.type === type);
}

/**
 * One check in a spec: `type`, an optional `name`, and the kind's fields either flat (native form) or
 * under `config:` (the product brief's template form). Both become `{type, name, config}`.
 */
function checkEntrySchema(kind: CheckKind) {
  // Both places take every field as optional and without its default: defaults are applied once, to
  // the merged settings, or a flat default would overwrite what was written under `config:`.
  const optionalFields = Object.fromEntries(
    Object.entries(kind.config.unwrap().shape).map(([key, field]) => [key, (field instanceof z.ZodDefault ? field.unwrap() : field).optional()]),
  ) as Record<string, z.ZodOptional>;
  return z
    .object({
      type: z.literal(kind.type),
      name: z.string().min(1).optional(),
      config: z.object(optionalFields).strict().optional(),
      ...optionalFields,
    })
    .strict()
    .meta({ description: kind.description })
    .transform((entry, ctx) => {
      const { type, name, config, ...flat } = entry as Record<string, unknown> & { type: string; name?: string; config?: object };
      const merged = kind.config.safeParse({ ...(config ?? {}), ...flat });
      if (!merged.success) {
        // Keep each issue's own code so the loader can word it (missing key, wrong type...).
        for (const issue of merged.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
        return z.NEVER;
      }
      return { type, name: name ?? type, config: merged.data as Record<string, unknown> };
    });
}

const checkEntries = checkKinds.map((kind) => z.lazy(() => checkEntrySchema(kind)));
export const checkSchema = z.discriminatedUnion('type', checkEntries as unknown as [(typeof checkEntries)[number], ...(typeof checkEntries)[number][]]);
export type CheckSpec = z.output<typeof checkSchema>;
