import type { Logger } from '../logger.js';
import type { EventSweep, EventSweepResult } from './event.sweep.js';
import type { SlaSweep, SlaSweepResult } from './sla.sweep.js';
import type { DispatchResult, WebhookDispatcher } from './webhooks/webhook.dispatcher.js';

/** Timers the worker waits with; tests pass their own and call `tick()` by hand instead. */
export interface WorkerTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const nodeTimers: WorkerTimers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A sleeping worker must not keep the process alive on its own.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface TickResult {
  sla: SlaSweepResult;
  events: EventSweepResult;
  webhooks: DispatchResult;
}

/**
 * The collaboration features' periodic work on this node: SLA reminders and escalations, the
 * event sweep (assignments, broken promises, incidents) and webhook deliveries. Runs beside the
 * process scheduler, not in it; started and stopped with the server (CLI start command).
 */
export class CollaborationWorker {
  private handle: unknown;
  private running = false;
  private current: Promise<unknown> | undefined;

  constructor(
    private readonly deps: {
      sla: SlaSweep;
      events: EventSweep;
      dispatcher: WebhookDispatcher;
      logger: Logger;
      intervalMs: number;
      timers?: WorkerTimers;
    },
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  /** One pass of everything; each part runs even when another failed (the failure is logged). */
  async tick(): Promise<TickResult> {
    const guard = async <T>(what: string, work: () => Promise<T>, empty: T): Promise<T> => {
      try {
        return await work();
      } catch (error) {
        this.deps.logger.error({ err: error }, `collaboration ${what} failed`);
        return empty;
      }
    };
    return {
      sla: await guard('SLA sweep', () => this.deps.sla.run(), { reminded: 0, escalated: 0 }),
      events: await guard('event sweep', () => this.deps.events.run(), {
        assignments: 0,
        brokenPromises: 0,
        incidents: 0,
      }),
      webhooks: await guard('webhook dispatch', () => this.deps.dispatcher.dispatchDue(), {
        delivered: 0,
        retrying: 0,
        failed: 0,
      }),
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops the timer and waits for a pass in progress to finish. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.handle !== undefined) (this.deps.timers ?? nodeTimers).clearTimeout(this.handle);
    this.handle = undefined;
    await this.current?.catch(() => undefined);
  }

  private schedule(ms: number): void {
    this.handle = (this.deps.timers ?? nodeTimers).setTimeout(() => {
      if (!this.running) return;
      this.current = this.tick().finally(() => {
        this.current = undefined;
        if (this.running) this.schedule(this.deps.intervalMs);
      });
    }, ms);
  }
}
