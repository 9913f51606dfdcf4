// A service-handler plugin. collectflow loads every .js/.mjs file of COLLECTFLOW_PLUGINS_DIR at
// start and registers the handlers it exports; a BPMN service task names one with camunda:topic.
//
//   COLLECTFLOW_PLUGINS_DIR=examples/custom-handler/plugins npm start
//
// This one asks a credit bureau for the debtor's score. The bureau here is a file next to the
// plugin, so the example runs anywhere; a real one would call the bureau's API with call.signal
// (aborted when the call times out or the server stops) and call.idempotencyKey (the same for
// every retry of this call).
import { readFile } from 'node:fs/promises';

const bureau = JSON.parse(await readFile(new URL('../bureau-data.json', import.meta.url), 'utf8'));

/** A business failure the flow can catch with an error boundary event (errorCode). */
class BpmnError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'BpmnError';
    this.code = code;
  }
}

export const handlers = {
  /**
   * Reads `debtorNo`; sets `bureauScore` (300–850), `bureauDelinquencies` and `bureauBand`.
   * A debtor the bureau does not know gets `bureauFound: false`.
   * @param {{ input: Record<string, unknown>, config: Record<string, string>, signal: AbortSignal }} call
   */
  'bureau.score': async (call) => {
    const debtorNo = call.input.debtorNo;
    if (typeof debtorNo !== 'string') throw new BpmnError('NO_DEBTOR', 'the flow has no debtorNo');
    const entry = bureau[debtorNo];
    if (!entry) return { bureauFound: false, bureauScore: null, bureauBand: 'UNKNOWN' };
    // The task's camunda:properties configure the handler: the cut-off between bands.
    const cutOff = Number(call.config.highRiskBelow ?? 600);
    return {
      bureauFound: true,
      bureauScore: entry.score,
      bureauDelinquencies: entry.delinquencies,
      bureauBand: entry.score < cutOff ? 'HIGH_RISK' : 'STANDARD',
    };
  },
};
