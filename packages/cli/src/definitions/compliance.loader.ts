import {
  BUILT_IN_PROFILES,
  type JurisdictionProfile,
  jurisdictionProfileJsonSchema,
} from '@collectflow/collection';
import { createAjv } from '@collectflow/schema';
import { definitionFileError, parseJsonFile } from './definition-file.error.js';
import type { DefinitionFile } from './definitions.reader.js';

/**
 * The jurisdiction profiles of definitions/compliance/*.json over the built-in ones: a team can
 * tighten a cap or a contact window without a release. Each file must match the profile schema.
 */
export function complianceProfiles(files: readonly DefinitionFile[]): Record<string, JurisdictionProfile> {
  const validate = createAjv({ draft: '2020-12' }).compile(jurisdictionProfileJsonSchema);
  const profiles: Record<string, JurisdictionProfile> = { ...BUILT_IN_PROFILES };
  for (const file of files) {
    if (file.kind !== 'compliance' || !file.path.endsWith('.json')) continue;
    const body = parseJsonFile(file.path, file.content);
    if (!validate(body)) {
      const [first] = validate.errors ?? [];
      throw definitionFileError(
        file.path,
        `not a jurisdiction profile: ${first?.instancePath || '/'} ${first?.message ?? 'is invalid'}`,
      );
    }
    const profile = body as JurisdictionProfile;
    profiles[profile.code] = profile;
  }
  return profiles;
}
