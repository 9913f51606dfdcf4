import { useEffect, useState } from 'react';
import { apiRaw } from '../api/client';

/** The BPMN XML of a deployment as uploaded (null id: nothing to load yet). */
export function useDeploymentSource(deploymentId: string | null): {
  xml: string | null;
  error: string | null;
} {
  const [state, setState] = useState<{ id: string | null; xml: string | null; error: string | null }>({
    id: null,
    xml: null,
    error: null,
  });
  useEffect(() => {
    if (!deploymentId) return;
    let live = true;
    apiRaw(`/api/deployments/${encodeURIComponent(deploymentId)}/source`, {
      headers: { accept: 'application/xml' },
    })
      .then((res) => res.text())
      .then(
        (xml) => live && setState({ id: deploymentId, xml, error: null }),
        (e: unknown) => live && setState({ id: deploymentId, xml: null, error: (e as Error).message }),
      );
    return () => {
      live = false;
    };
  }, [deploymentId]);
  return state.id === deploymentId ? { xml: state.xml, error: state.error } : { xml: null, error: null };
}
