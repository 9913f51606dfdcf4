import type { CollabUser, CommentMention, RoleRecord, StoreTx, UserRecord } from '@collectflow/store';
import type { Actor } from '../auth/actor.js';
import { actorFor } from '../auth/auth.service.js';
import { invalid, isObject, UUID } from './collab.errors.js';

/**
 * Mentions come two ways: structured, from the web's picker (`mentions: [{ kind: 'user', id }`,
 * `{ kind: 'role', key }]`, checked: an unknown one is a 422), and typed in the text (`@username`,
 * `@role:legal`, resolved when they name someone, ignored otherwise, since `@` also appears in
 * e-mail addresses).
 */
export const MAX_MENTIONS = 20;
/** A role mention notifies at most this many people. */
export const MAX_MENTION_RECIPIENTS = 500;

// A token runs to the end of the word: '@role:legal' must never read as the user 'rol'.
const ROLE_TOKEN = /(?<![\w.@])@role:([a-z0-9][a-z0-9_-]{0,63})(?![\w.:-])/gi;
const USER_TOKEN = /(?<![\w.@])@([a-z0-9][a-z0-9._-]{0,63})(?![\w.:-])/gi;

export function mentionsFromBody(value: unknown): CommentMention[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw invalid('comments.invalid_mentions', '/mentions', 'mentions must be an array');
  }
  if (value.length > MAX_MENTIONS) {
    throw invalid('comments.invalid_mentions', '/mentions', `at most ${MAX_MENTIONS} mentions per comment`);
  }
  return value.map((m, i): CommentMention => {
    const pointer = `/mentions/${i}`;
    if (isObject(m) && m.kind === 'user' && typeof m.id === 'string' && UUID.test(m.id)) {
      return { kind: 'user', id: m.id.toLowerCase() };
    }
    if (
      isObject(m) &&
      m.kind === 'role' &&
      typeof m.key === 'string' &&
      m.key.length > 0 &&
      m.key.length <= 64
    ) {
      return { kind: 'role', key: m.key };
    }
    throw invalid(
      'comments.invalid_mentions',
      pointer,
      'a mention is { "kind": "user", "id": "<user id>" } or { "kind": "role", "key": "<role key>" }',
    );
  });
}

export function mentionTokens(text: string): { usernames: string[]; roles: string[] } {
  const roles = [...text.matchAll(ROLE_TOKEN)].map((m) => m[1]!.toLowerCase());
  const usernames = [...text.matchAll(USER_TOKEN)]
    .map((m) => m[1]!.toLowerCase().replace(/[.]+$/, ''))
    .filter((u) => u !== 'role');
  return { usernames: [...new Set(usernames)], roles: [...new Set(roles)] };
}

export interface ResolvedMentions {
  mentions: CommentMention[];
  /** Everyone mentioned, directly or through a role. */
  recipients: CollabUser[];
}

export async function resolveMentions(
  tx: StoreTx,
  structured: readonly CommentMention[],
  text: string,
): Promise<ResolvedMentions> {
  const tokens = mentionTokens(text);
  const userIds = structured.flatMap((m) => (m.kind === 'user' ? [m.id] : []));
  const roleKeys = structured.flatMap((m) => (m.kind === 'role' ? [m.key] : []));

  const named = await tx.collaboration.activeUsers({ ids: userIds, usernames: tokens.usernames });
  structured.forEach((m, i) => {
    if (m.kind === 'user' && !named.some((u) => u.id === m.id)) {
      throw invalid('comments.unknown_mention', `/mentions/${i}`, `there is no active user ${m.id}`);
    }
  });
  const roles = await tx.roles.byKeys([...new Set([...roleKeys, ...tokens.roles])]);
  structured.forEach((m, i) => {
    if (m.kind === 'role' && !roles.some((r) => r.key === m.key)) {
      throw invalid('comments.unknown_mention', `/mentions/${i}`, `there is no role "${m.key}"`);
    }
  });

  const mentions: CommentMention[] = [
    ...named.map((u) => ({ kind: 'user' as const, id: u.id })),
    ...roles.map((r) => ({ kind: 'role' as const, key: r.key })),
  ];
  if (mentions.length > MAX_MENTIONS) {
    throw invalid('comments.invalid_mentions', '/mentions', `at most ${MAX_MENTIONS} mentions per comment`);
  }
  const byRole =
    roles.length > 0 ? await tx.collaboration.activeUsers({ roles: roles.map((r) => r.key) }) : [];
  const recipients = new Map<string, CollabUser>();
  for (const u of [...named, ...byRole]) {
    if (recipients.size >= MAX_MENTION_RECIPIENTS) break;
    recipients.set(u.id, u);
  }
  return { mentions, recipients: [...recipients.values()] };
}

/** The actor a user would be when logged in, from the roles already loaded. */
export function actorOfCollabUser(user: CollabUser, roles: readonly RoleRecord[]): Actor {
  const record = {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    teamId: user.teamId,
    roles: user.roles,
  } as UserRecord;
  return actorFor(
    record,
    roles.filter((r) => user.roles.includes(r.key)),
  );
}
