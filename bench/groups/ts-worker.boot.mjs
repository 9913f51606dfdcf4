// Boots a TypeScript module in a worker thread: tsx's loader is registered per thread, and a
// worker does not inherit the one `tsx bench/run.ts` registered in the main thread.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.script);
