/**
 * zh-CN for the bpmn-js Modeler's palette, context pad and the properties panel's groups (bpmn-js
 * looks every UI string up through its `translate` service; strings not listed stay English).
 */
const ZH_CN: Record<string, string> = {
  'Activate hand tool': '抓手工具',
  'Activate lasso tool': '套索工具',
  'Activate create/remove space tool': '创建/删除空间',
  'Activate global connect tool': '全局连线工具',
  'Create start event': '创建开始事件',
  'Create intermediate/boundary event': '创建中间/边界事件',
  'Create end event': '创建结束事件',
  'Create gateway': '创建网关',
  'Create task': '创建任务',
  'Create expanded sub-process': '创建展开的子流程',
  'Create data object reference': '创建数据对象引用',
  'Create data store reference': '创建数据存储引用',
  'Create pool/participant': '创建池/参与者',
  'Create group': '创建分组',
  'Append task': '追加任务',
  'Append end event': '追加结束事件',
  'Append gateway': '追加网关',
  'Append intermediate/boundary event': '追加中间/边界事件',
  'Append text annotation': '追加文本注释',
  'Add text annotation': '添加文本注释',
  'Change element': '更改元素类型',
  'Change type': '更改类型',
  Delete: '删除',
  'Connect to other element': '连接到其他元素',
  'Connect using sequence/message flow or association': '用顺序流/消息流或关联连接',
  General: '常规',
  Documentation: '文档',
  'User assignment': '用户分配',
  Forms: '表单',
  'Task listeners': '任务监听器',
  'Asynchronous continuations': '异步延续',
  Inputs: '输入',
  Outputs: '输出',
  'Execution listeners': '执行监听器',
  'Extension properties': '扩展属性',
  Name: '名称',
  ID: '标识',
  Timer: '定时器',
  Condition: '条件',
  'Candidate groups': '候选组',
  'Candidate users': '候选用户',
  Assignee: '处理人',
  'Due date': '到期',
  Priority: '优先级',
  'History cleanup': '历史清理',
  Tasklist: '任务列表',
  'Candidate starter': '候选发起人',
  'External task': '外部任务',
  'Job execution': '作业执行',
};

function translate(template: string, replacements?: Record<string, string>): string {
  const text = ZH_CN[template] ?? template;
  return text.replace(/{([^}]+)}/g, (_, key: string) => replacements?.[key] ?? `{${key}}`);
}

/** A didi module that replaces bpmn-js's identity translation with the table above. */
export const zhCnTranslateModule = { translate: ['value', translate] };
