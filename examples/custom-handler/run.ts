// Deploys the bureau check and runs it for a debtor, with the plugin of ./plugins doing the work.
// The server must have been started with the plugin folder:
//
//   COLLECTFLOW_PLUGINS_DIR=examples/custom-handler/plugins npm start
//   npx tsx examples/custom-handler/run.ts [debtorNo]
//
// with COLLECTFLOW_URL and COLLECTFLOW_TOKEN (see ../shared/collectflow.client.ts).
import { readFile } from 'node:fs/promises';
import { ApiError, CollectflowClient } from '../shared/collectflow.client.js';

interface InstanceView {
  instance: { id: string; status: string; activeElementIds: string[] };
  variables: Record<string, unknown>;
  incidents: { message: string }[];
}

export async function runBureauCheck(api: CollectflowClient, debtorNo: string, options = { waitMs: 30_000 }) {
  const xml = await readFile(new URL('./bureau-check.bpmn', import.meta.url), 'utf8');
  const { deployment } = await api.deploy(xml);
  const started = await api.post<{ instance: { id: string } }>('/api/instances', {
    processKey: deployment.processKey,
    businessKey: `bureau:${debtorNo}`,
    variables: { debtorNo },
  });
  // The service task runs on the server's scheduler, right after the start: wait for its outcome.
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const view = await api.get<InstanceView>(`/api/instances/${started.instance.id}`);
    if (view.variables.bureauBand !== undefined) return view;
    if (view.incidents.length > 0) throw new Error(`the bureau check failed: ${view.incidents[0]!.message}`);
    if (Date.now() > deadline) {
      throw new Error(
        'no answer from the bureau.score handler: was the server started with COLLECTFLOW_PLUGINS_DIR?',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const api = await CollectflowClient.fromEnv();
    const view = await runBureauCheck(api, process.argv[2] ?? 'DB-70000001');
    const v = view.variables;
    console.log(
      `bureau check ${view.instance.id}: score ${String(v.bureauScore)}, band ${String(v.bureauBand)}; ` +
        `waiting at ${view.instance.activeElementIds.join(', ') || '(ended)'}`,
    );
  } catch (error) {
    console.error(error instanceof ApiError || error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
