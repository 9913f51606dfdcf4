// One share of engine.durable_flow_per_s: its own store connection pool and runtime on the
// same PostgreSQL schema as the other workers, so steps run on every core.
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '@collectflow/store';
import { benchRuntime, runDurableFlows } from './engine.support.js';

const { databaseUrl, schema, flows, concurrency, index } = workerData as {
  databaseUrl: string;
  schema: string;
  flows: number;
  concurrency: number;
  index: number;
};

const store = await openStore({ backend: 'postgres', databaseUrl, schema });
const runtime = benchRuntime(store, { serviceConcurrency: concurrency });
// Warm-up: the deployment is parsed and the JIT is warm before the clock starts.
await runDurableFlows(runtime, store, { flows: 20, concurrency, prefix: `warm${index}` });
parentPort!.postMessage({ ready: true });
parentPort!.once('message', async () => {
  await runDurableFlows(runtime, store, { flows, concurrency, prefix: `w${index}` });
  await store.close();
  parentPort!.postMessage({ done: true });
});
