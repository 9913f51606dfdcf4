import type { Permission } from './actor.js';

/**
 * What each built-in role may do. Names and descriptions come from definitions/roles.json; the
 * rights are code so that an edited definitions file cannot silently widen them. Admins can
 * still edit every role (and add custom ones) through the API.
 */
export const BUILTIN_ROLE_PERMISSIONS: Record<string, readonly Permission[]> = {
  admin: [
    'forms.design',
    'records.view',
    'records.create',
    'records.edit',
    'records.view_all_teams',
    'sensitive.view',
    'process.deploy',
    'process.start',
    'process.admin',
    'tasks.work',
    'dashboards.view',
    'dashboards.edit',
    'users.admin',
    'audit.view',
  ],
  designer: ['forms.design', 'records.view', 'dashboards.view', 'dashboards.edit'],
  'process-admin': [
    'process.deploy',
    'process.start',
    'process.admin',
    'records.view',
    'records.view_all_teams',
    'dashboards.view',
  ],
  manager: [
    'records.view',
    'records.create',
    'records.edit',
    'records.view_all_teams',
    'sensitive.view',
    'process.start',
    'tasks.work',
    'dashboards.view',
    'dashboards.edit',
    'audit.view',
  ],
  strategist: [
    'records.view',
    'records.view_all_teams',
    'process.start',
    'tasks.work',
    'dashboards.view',
    'dashboards.edit',
  ],
  liaison: [
    'records.view',
    'records.create',
    'records.edit',
    'process.start',
    'tasks.work',
    'dashboards.view',
  ],
  analyst: [
    'records.view',
    'records.create',
    'records.edit',
    'records.view_all_teams',
    'sensitive.view',
    'tasks.work',
    'dashboards.view',
  ],
  legal: [
    'records.view',
    'records.create',
    'records.edit',
    'records.view_all_teams',
    'sensitive.view',
    'tasks.work',
    'dashboards.view',
  ],
};

export const BUILTIN_ROLE_KEYS = Object.keys(BUILTIN_ROLE_PERMISSIONS);
