import { z } from 'zod';
import { defineCheck } from './check';
import { runCheckCommand } from './command';
import { positiveDurationSchema } from '../util/duration';
import { missingCommand } from '../exec/command-on-path';

const DEFAULT_COMMAND = 'check_schema_compatibility';

const config = z.lazy(() =>
  z
    .object({
      command: z
        .string()
        .min(1)
        .default(DEFAULT_COMMAND)
        .meta({ description: 'Command that checks the pending migration; exit 0 means compatible' }),
      backward_compatible: z.boolean().default(true).meta({ description: 'Require the old version to keep working on the new schema' }),
      forward_compatible: z.boolean().default(false),
      timeout: positiveDurationSchema.default(120_000),
    })
    .strict(),
);

/**
 * The migration tool is the team's own (Flyway, Atlas, Liquibase, Alembic...), so the verdict is a
 * command's exit status; what must hold is passed to it as LAUNCH_CHECK_* environment variables.
 */
export const schemaCompatibilityCheck = defineCheck({
  type: 'schema_compatibility',
  description: 'Runs a schema compatibility command (exit 0 = compatible); requirements arrive as LAUNCH_CHECK_* env vars',
  config,
  plan: (c, ctx) => {
    const missing = missingCommand(c.command, ctx.env, ctx.cwd);
    return {
      summary:
        `run \`${c.command}\` with LAUNCH_CHECK_BACKWARD_COMPATIBLE=${c.backward_compatible}` +
        ` LAUNCH_CHECK_FORWARD_COMPATIBLE=${c.forward_compatible}`,
      problems: missing ? [`command '${missing}' not found on PATH (install it, or set command: to your migration tool's check)`] : [],
    };
  },
  run: (c, ctx) =>
    runCheckCommand(
      c.command,
      c.timeout,
      {
        LAUNCH_CHECK_BACKWARD_COMPATIBLE: String(c.backward_compatible),
        LAUNCH_CHECK_FORWARD_COMPATIBLE: String(c.forward_compatible),
      },
      ctx,
    ),
});
