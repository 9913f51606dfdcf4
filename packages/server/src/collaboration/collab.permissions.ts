import type { Permission } from '../auth/actor.js';

/**
 * Team review, monthly targets and commission rules: the supervisory right that managers and
 * administrators hold among the built-in roles. There is no dedicated permission for it yet
 * (one would be added in auth/actor.ts and the built-in roles); this constant is the one place
 * to change when there is.
 */
export const SUPERVISE: Permission = 'audit.view';
