#!/usr/bin/env node
// Writes the BPMN diagram (BPMNDI) of each process in definitions/processes with bpmn-auto-layout,
// so the files open in bpmn.io without anyone placing shapes by hand. The process XML stays the
// source; the diagram is regenerated from it.
//
//   node scripts/layout-bpmn.mjs            lay out every definitions/processes/*.bpmn in place
//   node scripts/layout-bpmn.mjs --check    exit 1 when a file's diagram is stale or missing
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { layoutProcess } from 'bpmn-auto-layout';
import { BpmnModdle } from 'bpmn-moddle';

const dir = fileURLToPath(new URL('../definitions/processes/', import.meta.url));
const check = process.argv.includes('--check');

/** The file without its diagram: what layoutProcess starts from, so the output is reproducible. */
function withoutDiagram(xml) {
  return xml.replace(/\s*<bpmndi:BPMNDiagram[\s\S]*<\/bpmndi:BPMNDiagram>/g, '');
}

/**
 * bpmn-auto-layout walks `incoming`/`outgoing`, which bpmn-moddle reads from <bpmn:incoming> and
 * <bpmn:outgoing> children (what bpmn.io writes) and never derives from sequence flows. We write
 * flows only, so fill those lists in from each flow's sourceRef and targetRef first.
 */
async function withFlowReferences(xml) {
  const moddle = new BpmnModdle();
  const { rootElement } = await moddle.fromXML(xml);
  const visit = (container) => {
    const elements = container.flowElements ?? [];
    for (const element of elements) {
      if (element.$type !== 'bpmn:SequenceFlow') {
        element.incoming = [];
        element.outgoing = [];
      }
    }
    for (const flow of elements.filter((e) => e.$type === 'bpmn:SequenceFlow')) {
      flow.sourceRef.outgoing.push(flow);
      flow.targetRef.incoming.push(flow);
    }
    for (const element of elements) if (element.$type === 'bpmn:SubProcess') visit(element);
  };
  const subProcesses = [];
  const collect = (container) => {
    for (const element of container.flowElements ?? []) {
      if (element.$type === 'bpmn:SubProcess') {
        subProcesses.push(element);
        collect(element);
      }
    }
  };
  const processes = rootElement.rootElements.filter((root) => root.$type === 'bpmn:Process');
  for (const root of processes) {
    visit(root);
    collect(root);
  }
  // bpmn-auto-layout 1.3 draws a subprocess expanded only when the input DI says so (a collapsed
  // one needs a diagram of its own, which it does not create), so hand it a stub that does.
  if (subProcesses.length > 0) {
    const bounds = () => moddle.create('dc:Bounds', { x: 0, y: 0, width: 100, height: 80 });
    const shapes = subProcesses.map((sub) =>
      moddle.create('bpmndi:BPMNShape', {
        id: `${sub.id}_di`,
        bpmnElement: sub,
        isExpanded: true,
        bounds: bounds(),
      }),
    );
    const plane = moddle.create('bpmndi:BPMNPlane', {
      id: 'stub-plane',
      bpmnElement: processes[0],
      planeElement: shapes,
    });
    rootElement.diagrams = [moddle.create('bpmndi:BPMNDiagram', { id: 'stub-diagram', plane })];
  }
  const { xml: out } = await moddle.toXML(rootElement, { format: true });
  return out;
}

let stale = 0;
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.bpmn'))
  .sort()) {
  const path = join(dir, file);
  const current = readFileSync(path, 'utf8');
  const laidOut = `${(await layoutProcess(await withFlowReferences(withoutDiagram(current)))).trimEnd()}\n`;
  if (laidOut === current) continue;
  if (check) {
    console.error(`${file}: diagram is out of date; run node scripts/layout-bpmn.mjs`);
    stale++;
  } else {
    writeFileSync(path, laidOut);
    console.log(`laid out ${file}`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
