import type { Role, Team } from '../api/types';
import { useCached } from '../api/use-api';
import { pickText } from '../forms/localize-form';
import { useLocale } from '../i18n/locale.context';

/** Role and team names in the UI language, for tags and selects. */
export function useDirectory() {
  const { locale } = useLocale();
  const roles = useCached<Role[]>('/api/roles').data ?? [];
  const teams = useCached<Team[]>('/api/teams').data ?? [];
  const roleName = (key: string) => pickText(roles.find((r) => r.key === key)?.name, locale, key);
  const teamName = (id: string | null | undefined) =>
    id ? pickText(teams.find((t) => t.id === id)?.name, locale, id) : '';
  /** A candidate group is a role key or a team id. */
  const groupName = (group: string) =>
    roles.some((r) => r.key === group)
      ? roleName(group)
      : teams.some((t) => t.id === group)
        ? teamName(group)
        : group;
  return { roles, teams, roleName, teamName, groupName };
}
