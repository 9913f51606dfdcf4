import type { Knex } from 'knex';
import { DeploymentsRepo } from './deployments.repo.js';
import { HistoryRepo } from './history.repo.js';
import { IncidentsRepo } from './incidents.repo.js';
import { InstancesRepo } from './instances.repo.js';
import { JobsRepo } from './jobs.repo.js';
import { MessagesRepo } from './messages.repo.js';
import { OutboxRepo } from './outbox.repo.js';
import { TasksRepo } from './tasks.repo.js';

/** The process runtime's repositories, as fields of every StoreTx. */
export interface RuntimeRepos {
  readonly deployments: DeploymentsRepo;
  readonly instances: InstancesRepo;
  readonly tasks: TasksRepo;
  readonly jobs: JobsRepo;
  readonly messages: MessagesRepo;
  readonly history: HistoryRepo;
  readonly outbox: OutboxRepo;
  readonly incidents: IncidentsRepo;
}

export function runtimeRepos(trx: Knex.Transaction): RuntimeRepos {
  return {
    deployments: new DeploymentsRepo(trx),
    instances: new InstancesRepo(trx),
    tasks: new TasksRepo(trx),
    jobs: new JobsRepo(trx),
    messages: new MessagesRepo(trx),
    history: new HistoryRepo(trx),
    outbox: new OutboxRepo(trx),
    incidents: new IncidentsRepo(trx),
  };
}
