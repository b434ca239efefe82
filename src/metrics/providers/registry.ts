import { z } from 'zod';
import type { ProviderKind } from './provider-kind';
import { prometheusKind } from './prometheus';
import { datadogKind } from './datadog';
import { webKind } from './web';

/**
 * Every metrics provider a metric may name. Add one by writing its file, listing it here and
 * declaring its credential inputs in action.yml.
 */
export const providerKinds = [prometheusKind, datadogKind, webKind] as const;

type Kinds = (typeof providerKinds)[number];
export type ProviderName = Kinds['name'];

const names = providerKinds.map((kind) => kind.name) as [ProviderName, ...ProviderName[]];
export const providerNameSchema = z.enum(names);

export function findProviderKind(name: ProviderName): ProviderKind {
  return providerKinds.find((kind) => kind.name === name) as unknown as ProviderKind;
}

type ByName<T extends Record<ProviderName, unknown>> = { [K in ProviderName]: T[K] };
type SettingsShape = ByName<{ [K in Kinds as K['name']]: z.ZodPrefault<K['settings']> }>;
type CredentialsShape = ByName<{ [K in Kinds as K['name']]: K['credentials']['schema'] }>;

/** `launch.providers`: each provider's block, every field with its default. */
export const providerSettingsSchema = z
  .object(
    Object.fromEntries(providerKinds.map((kind) => [kind.name, (kind.settings as z.ZodObject).prefault({})])) as unknown as SettingsShape,
  )
  .strict()
  .prefault({});
export type ProviderSettings = z.output<typeof providerSettingsSchema>;

/** Each provider's credentials, as fields of the action's Settings (`settings.prometheus.token`). */
export const providerCredentialFields = Object.fromEntries(
  providerKinds.map((kind) => [kind.name, kind.credentials.schema]),
) as unknown as CredentialsShape;
export type ProviderCredentials = { [K in ProviderName]: z.output<CredentialsShape[K]> };
