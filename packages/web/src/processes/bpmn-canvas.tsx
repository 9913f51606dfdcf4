import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import './processes.css';
import { Alert } from 'antd';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { useEffect, useRef, useState } from 'react';
import { useLocale } from '../i18n/locale.context';
import type { ElementCounts } from './processes.api';

export interface BpmnCanvasProps {
  xml: string;
  /** CSS marker classes per element id (cf-bpmn-active, cf-bpmn-completed, cf-bpmn-problem…). */
  markers?: Record<string, string[]>;
  /** Badges per element id: active instances and open incidents. */
  counts?: Record<string, ElementCounts>;
  /** The element to select and scroll into view (a lint problem the user clicked). */
  selected?: string | null;
  onElementClick?: (elementId: string) => void;
  height?: number;
}

interface Services {
  canvas: {
    zoom(level: string | number, center?: unknown): number;
    addMarker(id: string, marker: string): void;
    removeMarker(id: string, marker: string): void;
    scrollToElement(element: unknown, padding?: number): void;
  };
  overlays: {
    add(id: string, type: string, overlay: unknown): string;
    remove(filter: { type: string }): void;
  };
  elementRegistry: { get(id: string): unknown };
  selection: { select(element: unknown): void };
  eventBus: { on(event: string, cb: (e: { element: { id: string; type: string } }) => void): void };
}

/**
 * A read-only BPMN diagram (bpmn-js NavigatedViewer: pan and zoom) with markers and count badges
 * on elements. It is its own chunk: pages load it lazily.
 */
export default function BpmnCanvas({
  xml,
  markers,
  counts,
  selected,
  onElementClick,
  height = 420,
}: BpmnCanvasProps) {
  const { t } = useLocale();
  const container = useRef<HTMLDivElement>(null);
  const viewer = useRef<NavigatedViewer | null>(null);
  const [ready, setReady] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const click = useRef(onElementClick);
  click.current = onElementClick;
  const applied = useRef<Record<string, string[]>>({});

  useEffect(() => {
    if (!container.current) return;
    const v = new NavigatedViewer({ container: container.current });
    viewer.current = v;
    (v.get('eventBus') as Services['eventBus']).on('element.click', (e) => {
      if (e.element.type !== 'bpmn:Process') click.current?.(e.element.id);
    });
    return () => {
      v.destroy();
      viewer.current = null;
    };
  }, []);

  useEffect(() => {
    const v = viewer.current;
    if (!v) return;
    let live = true;
    applied.current = {};
    v.importXML(xml).then(
      () => {
        if (!live) return;
        (v.get('canvas') as Services['canvas']).zoom('fit-viewport', 'auto');
        setError(null);
        setReady((n) => n + 1);
      },
      (e: unknown) => live && setError((e as Error).message),
    );
    return () => {
      live = false;
    };
  }, [xml]);

  useEffect(() => {
    const v = viewer.current;
    if (!v || ready === 0) return;
    const canvas = v.get('canvas') as Services['canvas'];
    const registry = v.get('elementRegistry') as Services['elementRegistry'];
    for (const [id, classes] of Object.entries(applied.current)) {
      if (registry.get(id)) for (const c of classes) canvas.removeMarker(id, c);
    }
    const next: Record<string, string[]> = {};
    for (const [id, classes] of Object.entries(markers ?? {})) {
      if (!registry.get(id)) continue;
      for (const c of classes) canvas.addMarker(id, c);
      next[id] = classes;
    }
    applied.current = next;
  }, [markers, ready]);

  useEffect(() => {
    const v = viewer.current;
    if (!v || ready === 0) return;
    const overlays = v.get('overlays') as Services['overlays'];
    const registry = v.get('elementRegistry') as Services['elementRegistry'];
    overlays.remove({ type: 'cf-counts' });
    for (const [id, c] of Object.entries(counts ?? {})) {
      if (!registry.get(id)) continue;
      const badge = document.createElement('div');
      badge.className = 'cf-bpmn-badges';
      badge.dataset.element = id;
      if (c.active > 0) {
        const active = document.createElement('span');
        active.className = 'cf-bpmn-badge cf-bpmn-badge-active';
        active.textContent = String(c.active);
        active.title = `${c.active} ${t('procActiveOnElement')}`;
        badge.append(active);
      }
      if (c.incidents > 0) {
        const incidents = document.createElement('span');
        incidents.className = 'cf-bpmn-badge cf-bpmn-badge-incident';
        incidents.textContent = String(c.incidents);
        incidents.title = `${c.incidents} ${t('procIncidentsOnElement')}`;
        badge.append(incidents);
      }
      overlays.add(id, 'cf-counts', { position: { top: -12, left: -12 }, html: badge });
    }
  }, [counts, ready, t]);

  useEffect(() => {
    const v = viewer.current;
    if (!v || ready === 0 || !selected) return;
    const element = (v.get('elementRegistry') as Services['elementRegistry']).get(selected);
    if (!element) return;
    (v.get('selection') as Services['selection']).select(element);
    (v.get('canvas') as Services['canvas']).scrollToElement(element, 80);
  }, [selected, ready]);

  return (
    <div className="cf-bpmn-frame">
      {error && <Alert type="error" showIcon title={t('procDiagramFailed', { message: error })} />}
      <div ref={container} className="cf-bpmn-canvas" style={{ height }} data-testid="bpmn-canvas" />
    </div>
  );
}
