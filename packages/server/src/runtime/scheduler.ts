import type { Logger } from '../logger.js';
import type { JobRunner } from './job.runner.js';
import type { MessageCorrelator } from './message.correlator.js';
import type { OutboxDispatcher } from './outbox.dispatcher.js';
import { anyWork, mergeWork, NO_WORK, type SchedulerWork } from './step.executor.js';

export interface SchedulerOptions {
  /** How long an idle scheduler sleeps before polling again; work from this node wakes it at once. */
  pollIntervalMs: number;
  /** Timers fired per tick at most, so service calls and the outbox get their turn. */
  timerBatch: number;
  /** Timers fired in parallel (each its own transaction); 1 on PGlite's single connection. */
  timerConcurrency: number;
  /** Service handler calls in flight at once on this node. */
  serviceConcurrency: number;
  outboxBatch: number;
  /** Buffered-message sweep every this many ticks. */
  sweepEveryTicks: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = {
  pollIntervalMs: 1_000,
  timerBatch: 100,
  timerConcurrency: 1,
  serviceConcurrency: 4,
  outboxBatch: 50,
  sweepEveryTicks: 10,
};

const SWEEP_BATCH = 50;
const ALL_WORK: SchedulerWork = { timers: true, services: true, outbox: true };

export interface DrainResult {
  timers: number;
  services: number;
  outbox: number;
  buffered: number;
}

/**
 * Polls the jobs table: fires due timers, leases due service calls to this node, dispatches the
 * outbox and sweeps buffered messages. Every node runs one; `FOR UPDATE SKIP LOCKED` keeps them
 * apart. Time comes from the injected clock, so tests fire a 30-day timer by moving the clock
 * and calling `runDue()` instead of waiting.
 */
export class Scheduler {
  readonly options: SchedulerOptions;
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  /** What a wake asked for since the last tick; null: nothing, so the next tick is a full poll. */
  private pending: SchedulerWork | null = null;
  private ticks = 0;
  private readonly inflight = new Set<Promise<void>>();
  private shutdown = new AbortController();
  private serviceCount = 0;
  private halted = false;
  /** The last lease filled every free slot: more service jobs may be waiting. */
  private saturated = false;
  /** The polling loop's tick in progress, if any: a drain waits for it (it may hold claimed rows). */
  private backgroundTick: Promise<DrainResult> | undefined;
  /** How many background ticks did some work; a drain compares it to know whether to go on. */
  private backgroundWork = 0;

  constructor(
    private readonly deps: {
      runner: JobRunner;
      correlator: MessageCorrelator;
      outbox: OutboxDispatcher;
      logger: Logger;
    },
    options: Partial<SchedulerOptions> = {},
  ) {
    this.options = { ...DEFAULT_SCHEDULER_OPTIONS, ...options };
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.halted = false;
    this.shutdown = new AbortController();
    this.loop = this.run();
  }

  /**
   * Stops polling and lets the in-flight step finish. Service calls still running after
   * `graceMs` are aborted; their jobs are retried later (here or on another node).
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.halted = true;
    this.wake();
    await this.loop;
    if (this.inflight.size > 0) {
      const timer = setTimeout(() => this.shutdown.abort(new Error('the node is shutting down')), graceMs);
      await Promise.allSettled([...this.inflight]);
      clearTimeout(timer);
    }
  }

  /**
   * Work is due now (a step created a service job, an outbox message, an overdue timer): tick at
   * once, for those parts only. Without `work`, a full tick.
   */
  wake(work: SchedulerWork = ALL_WORK): void {
    this.pending = mergeWork(this.pending ?? NO_WORK, work);
    this.wakeUp?.();
  }

  /**
   * Runs everything due by the clock until nothing is left, waiting for service calls. For
   * tests and benches; a started scheduler does the same on its own.
   */
  async runDue(): Promise<DrainResult> {
    const total: DrainResult = { timers: 0, services: 0, outbox: 0, buffered: 0 };
    for (;;) {
      // A started loop may be mid-tick with rows claimed (SKIP LOCKED hides them from this drain):
      // wait for it, and go round again if it did anything.
      const backgroundBefore = this.backgroundWork;
      await this.backgroundTick?.catch(() => undefined);
      const done = await this.tick(ALL_WORK, 'drain');
      await Promise.allSettled([...this.inflight]);
      await this.backgroundTick?.catch(() => undefined);
      total.timers += done.timers;
      total.services += done.services;
      total.outbox += done.outbox;
      total.buffered += done.buffered;
      const idle =
        done.timers + done.services + done.outbox + done.buffered === 0 &&
        this.inflight.size === 0 &&
        this.backgroundWork === backgroundBefore;
      if (idle) return total;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let more = false;
      // Woken: the parts asked for. Otherwise the poll interval passed: everything.
      const parts = this.pending ?? ALL_WORK;
      const mode = this.pending === null ? 'poll' : 'wake';
      this.pending = null;
      try {
        this.backgroundTick = this.tick(parts, mode);
        const done = await this.backgroundTick;
        if (done.timers + done.services + done.outbox + done.buffered > 0) this.backgroundWork++;
        // Poll again at once only when a batch was full; started service calls wake us themselves.
        more =
          done.timers >= this.options.timerBatch ||
          done.outbox >= this.options.outboxBatch ||
          done.buffered >= SWEEP_BATCH;
      } catch (error) {
        // The database may be briefly away; keep polling rather than die.
        this.deps.logger.error({ err: error }, 'scheduler tick failed');
      } finally {
        this.backgroundTick = undefined;
      }
      if (!this.running) break;
      if (!more) await this.sleep(this.options.pollIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.pending) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }

  /**
   * A poll also dispatches other nodes' leftover outbox messages and sweeps buffered messages,
   * every few polls so that an idle node costs little; a drain (runDue) does both every time.
   */
  private async tick(parts: SchedulerWork, mode: 'wake' | 'poll' | 'drain'): Promise<DrainResult> {
    this.ticks++;
    const periodic = mode === 'drain' || (mode === 'poll' && this.ticks % this.options.sweepEveryTicks === 0);
    const timers = parts.timers ? await this.fireTimers() : 0;
    if (this.halted) return { timers, services: 0, outbox: 0, buffered: 0 };
    const services = parts.services ? await this.startServices() : 0;
    const dispatch = parts.outbox || periodic;
    const outbox = dispatch ? await this.deps.outbox.dispatch(this.options.outboxBatch) : 0;
    const buffered = periodic ? await this.deps.correlator.sweepBuffered(SWEEP_BATCH) : 0;
    return { timers, services, outbox, buffered };
  }

  private async fireTimers(): Promise<number> {
    let fired = 0;
    let exhausted = false;
    const worker = async (limit = Number.POSITIVE_INFINITY) => {
      // A stop lets the step in flight finish and starts no other.
      for (let n = 0; n < limit && !exhausted && fired < this.options.timerBatch && !this.halted; n++) {
        const outcome = await this.deps.runner.fireNextTimer();
        if (outcome === 'none') {
          exhausted = true;
          return;
        }
        fired++;
      }
    };
    // One probe first: an idle poll costs one query, not one per worker.
    await worker(1);
    if (fired > 0 && !exhausted) {
      await Promise.all(Array.from({ length: Math.max(1, this.options.timerConcurrency) }, () => worker()));
    }
    return fired;
  }

  private async startServices(): Promise<number> {
    const free = this.options.serviceConcurrency - this.serviceCount;
    if (free <= 0) {
      this.saturated = true;
      return 0;
    }
    const jobs = await this.deps.runner.leaseServices(free);
    // Every slot taken: more may be due, so a finished call must poll again.
    this.saturated = jobs.length === free;
    for (const job of jobs) {
      this.serviceCount++;
      const call = this.deps.runner
        .runService(job, this.shutdown.signal)
        .then(
          // Its outcome may have made more work (the next service task, an outbox message).
          (work) => {
            if (anyWork(work)) this.wake(work);
            else if (this.saturated) this.wake({ ...NO_WORK, services: true });
          },
          (error: unknown) => this.deps.logger.error({ err: error, jobId: job.id }, 'service job failed'),
        )
        .finally(() => {
          this.serviceCount--;
          this.inflight.delete(call);
        });
      this.inflight.add(call);
    }
    return jobs.length;
  }
}
