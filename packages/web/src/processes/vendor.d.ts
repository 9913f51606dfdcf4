// bpmn-js-properties-panel and camunda-bpmn-js-behaviors ship no types; they are didi modules.
declare module 'bpmn-js-properties-panel' {
  export const BpmnPropertiesPanelModule: unknown;
  export const BpmnPropertiesProviderModule: unknown;
  export const CamundaPlatformPropertiesProviderModule: unknown;
}
declare module 'camunda-bpmn-js-behaviors/lib/camunda-platform' {
  const module: unknown;
  export default module;
}
