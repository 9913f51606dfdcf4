import { type Clock, systemClock } from '@collectflow/engine';
import type { Store } from '@collectflow/store';
import type { Logger } from '../logger.js';
import { directoryStorage } from './attachments/attachment.storage.js';
import {
  type AttachmentOptions,
  AttachmentsService,
  DEFAULT_ATTACHMENT_OPTIONS,
} from './attachments/attachments.service.js';
import { CollaborationWorker, type WorkerTimers } from './collaboration.worker.js';
import { CommentsService } from './comments.service.js';
import { DEFAULT_EVENT_SWEEP_OPTIONS, EventSweep, type EventSweepOptions } from './event.sweep.js';
import { NotificationsService } from './notifications.service.js';
import { Notifier } from './notifier.js';
import {
  DEFAULT_PERFORMANCE_OPTIONS,
  type PerformanceOptions,
  PerformanceService,
} from './performance/performance.service.js';
import { DEFAULT_SLA_OPTIONS, type SlaOptions, SlaSweep } from './sla.sweep.js';
import { type TimelineOptions, TimelineService } from './timeline.service.js';
import {
  DEFAULT_WEBHOOK_RETRY,
  WebhookDispatcher,
  type WebhookRetryPolicy,
} from './webhooks/webhook.dispatcher.js';
import { WebhooksService } from './webhooks/webhooks.service.js';

export interface CollaborationOptions {
  /** "now" for comments, notifications, SLAs and webhook retries; tests pass a fake one. */
  clock?: Clock;
  /** The web app's public address, to put absolute links in chat messages. */
  publicUrl?: string;
  attachments?: Partial<Omit<AttachmentOptions, 'storage' | 'directory'>> & {
    /** Keep attachment bytes in this directory instead of the database. */
    directory?: string;
  };
  webhooks?: Partial<WebhookRetryPolicy>;
  /** The HTTP client webhooks are sent with (global fetch by default). */
  fetch?: typeof fetch;
  sla?: Partial<SlaOptions>;
  events?: Partial<EventSweepOptions>;
  performance?: Partial<PerformanceOptions>;
  timeline?: Partial<TimelineOptions>;
  /** Pause between the worker's passes (SLA sweep, event sweep, webhook sends). */
  intervalMs?: number;
  timers?: WorkerTimers;
}

/** Everything team collaboration offers, built once per app on one store and one clock. */
export interface Collaboration {
  clock: Clock;
  notifier: Notifier;
  comments: CommentsService;
  notifications: NotificationsService;
  attachments: AttachmentsService;
  webhooks: WebhooksService;
  performance: PerformanceService;
  timeline: TimelineService;
  sla: SlaSweep;
  events: EventSweep;
  dispatcher: WebhookDispatcher;
  /** Periodic work; the caller starts and stops it (see the CLI's start command). */
  worker: CollaborationWorker;
}

export const DEFAULT_COLLABORATION_INTERVAL_MS = 30_000;

export function createCollaboration(
  store: Store,
  logger: Logger,
  options: CollaborationOptions = {},
): Collaboration {
  const clock = options.clock ?? systemClock;
  const retry: WebhookRetryPolicy = { ...DEFAULT_WEBHOOK_RETRY, ...options.webhooks };
  const notifier = new Notifier({
    retry,
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
  });
  const { directory, ...attachmentOverrides } = options.attachments ?? {};
  const directoryStore = directory ? directoryStorage(directory) : undefined;
  const attachmentOptions: AttachmentOptions = {
    ...DEFAULT_ATTACHMENT_OPTIONS,
    ...attachmentOverrides,
    storage: directoryStore ?? DEFAULT_ATTACHMENT_OPTIONS.storage,
    ...(directoryStore ? { directory: directoryStore } : {}),
  };
  const comments = new CommentsService({ store, clock, notifier });
  const sla = new SlaSweep({ store, clock, notifier, options: { ...DEFAULT_SLA_OPTIONS, ...options.sla } });
  const events = new EventSweep({
    store,
    clock,
    notifier,
    options: { ...DEFAULT_EVENT_SWEEP_OPTIONS, ...options.events },
  });
  const dispatcher = new WebhookDispatcher({
    store,
    clock,
    logger,
    policy: retry,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return {
    clock,
    notifier,
    comments,
    notifications: new NotificationsService({ store, clock }),
    attachments: new AttachmentsService({ store, clock, options: attachmentOptions }),
    webhooks: new WebhooksService({
      store,
      clock,
      maxAttempts: retry.maxAttempts,
      publicUrl: options.publicUrl,
    }),
    performance: new PerformanceService({
      store,
      clock,
      options: { ...DEFAULT_PERFORMANCE_OPTIONS, ...options.performance },
    }),
    timeline: new TimelineService({
      store,
      comments,
      options: { caseForms: ['debt-case'], ...options.timeline },
    }),
    sla,
    events,
    dispatcher,
    worker: new CollaborationWorker({
      sla,
      events,
      dispatcher,
      logger,
      intervalMs: options.intervalMs ?? DEFAULT_COLLABORATION_INTERVAL_MS,
      ...(options.timers ? { timers: options.timers } : {}),
    }),
  };
}
