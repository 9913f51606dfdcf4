// The BPMN runtime (issue 4) lands here; the package exists so the dependency arrows are in place.
export const ENGINE_PACKAGE = '@collectflow/engine';
