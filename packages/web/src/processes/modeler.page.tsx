import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import './processes.css';
import { CloudUploadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Radio, Select, Spin, Table, Tag, Typography } from 'antd';
import Modeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
} from 'bpmn-js-properties-panel';
import CamundaBehaviors from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError, api } from '../api/client';
import type { FormSummary, Page, Role } from '../api/types';
import { useApi, useCached } from '../api/use-api';
import { useLocale } from '../i18n/locale.context';
import { PageTitle } from '../shell/app-shell';
import { zhCnTranslateModule } from './bpmn.translations';
import type { DeployAnswer, Deployment, LintProblem } from './processes.api';
import { useDeploymentSource } from './use-deployment-source';

/** The parts of a bpmn-js element the side panel reads. */
interface ModdleObject {
  $type: string;
  id: string;
  get(name: string): unknown;
  eventDefinitions?: ModdleObject[];
  conditionExpression?: { body?: string };
  timeDuration?: { body?: string };
  timeDate?: { body?: string };
  timeCycle?: { body?: string };
}
interface ShapeLike {
  id: string;
  type: string;
  businessObject: ModdleObject;
}
interface Modeling {
  updateProperties(element: ShapeLike, props: Record<string, unknown>): void;
  updateModdleProperties(element: ShapeLike, target: ModdleObject, props: Record<string, unknown>): void;
}
interface BpmnFactory {
  create(type: string, attrs: Record<string, unknown>): unknown;
}

type TimerKind = 'timeDuration' | 'timeDate' | 'timeCycle';

function timerOf(bo: ModdleObject): ModdleObject | undefined {
  return bo.eventDefinitions?.find((d) => d.$type === 'bpmn:TimerEventDefinition');
}

/**
 * The collectflow properties of the selected element, picked from what exists: a user task's form
 * (the registry) and candidate groups (the roles), its due date; a timer's expression; a
 * sequence flow's condition.
 */
function ElementProperties({ modeler, element }: { modeler: Modeler; element: ShapeLike | null }) {
  const { t, locale } = useLocale();
  const forms = useCached<Page<FormSummary>>('/api/forms?limit=200');
  const roles = useCached<Role[]>('/api/roles');
  const [form] = Form.useForm();
  const bo = element?.businessObject;
  const timer = bo ? timerOf(bo) : undefined;
  const timerKind: TimerKind | undefined = timer
    ? ((['timeDuration', 'timeDate', 'timeCycle'] as const).find((k) => timer[k]) ?? 'timeDuration')
    : undefined;

  useEffect(() => {
    if (!bo) return;
    form.setFieldsValue({
      formKey: (bo.get('camunda:formKey') as string | undefined) ?? undefined,
      candidateGroups: String(bo.get('camunda:candidateGroups') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      dueDate: (bo.get('camunda:dueDate') as string | undefined) ?? '',
      timerKind,
      timer: timer && timerKind ? (timer[timerKind]?.body ?? '') : '',
      condition: bo.conditionExpression?.body ?? '',
    });
  }, [bo, form, timer, timerKind]);

  if (!element || !bo) return <Typography.Text type="secondary">{t('procModelerNoPanel')}</Typography.Text>;
  const modeling = modeler.get('modeling') as Modeling;
  const factory = modeler.get('bpmnFactory') as BpmnFactory;
  const isUserTask = element.type === 'bpmn:UserTask';
  const isFlow = element.type === 'bpmn:SequenceFlow';
  const apply = (values: Record<string, unknown>) => {
    if (isUserTask) {
      modeling.updateProperties(element, {
        'camunda:formKey': (values.formKey as string) || undefined,
        'camunda:candidateGroups': ((values.candidateGroups as string[]) ?? []).join(',') || undefined,
        'camunda:dueDate': (values.dueDate as string)?.trim() || undefined,
      });
    }
    if (timer) {
      const kind = (values.timerKind as TimerKind) ?? 'timeDuration';
      const body = (values.timer as string)?.trim();
      modeling.updateModdleProperties(element, timer, {
        timeDuration: undefined,
        timeDate: undefined,
        timeCycle: undefined,
        ...(body ? { [kind]: factory.create('bpmn:FormalExpression', { body }) } : {}),
      });
    }
    if (isFlow) {
      const body = (values.condition as string)?.trim();
      modeling.updateProperties(element, {
        conditionExpression: body ? factory.create('bpmn:FormalExpression', { body }) : undefined,
      });
    }
  };
  const formOptions = (forms.data?.items ?? []).map((f) => ({
    value: f.key,
    label: `${f.title[locale] ?? f.title.en ?? f.key} (${f.key})`,
  }));
  const roleOptions = (roles.data ?? []).map((r) => ({
    value: r.key,
    label: `${r.name[locale] ?? r.key} (${r.key})`,
  }));
  return (
    <Form form={form} layout="vertical" size="small" onFinish={apply} data-testid="element-properties">
      <Typography.Paragraph>
        <Tag>{element.type.replace('bpmn:', '')}</Tag> <Typography.Text code>{element.id}</Typography.Text>
      </Typography.Paragraph>
      {isUserTask && (
        <>
          <Form.Item name="formKey" label={t('procPropFormKey')}>
            <Select showSearch allowClear options={formOptions} />
          </Form.Item>
          <Form.Item name="candidateGroups" label={t('procPropGroups')}>
            <Select mode="multiple" allowClear options={roleOptions} />
          </Form.Item>
          <Form.Item name="dueDate" label={t('procPropDueDate')}>
            <Input placeholder="P2D" />
          </Form.Item>
        </>
      )}
      {timer && (
        <>
          <Form.Item name="timerKind">
            <Radio.Group
              optionType="button"
              options={[
                { value: 'timeDuration', label: 'Duration' },
                { value: 'timeDate', label: 'Date' },
                { value: 'timeCycle', label: 'Cycle' },
              ]}
            />
          </Form.Item>
          <Form.Item name="timer" label={t('procPropTimer')}>
            <Input placeholder="P30D" />
          </Form.Item>
        </>
      )}
      {isFlow && (
        <Form.Item name="condition" label={t('procPropCondition')}>
          <Input.TextArea rows={2} placeholder="${paidAmount >= promisedAmount}" />
        </Form.Item>
      )}
      {(isUserTask || timer || isFlow) && (
        <Button htmlType="submit" type="primary" size="small">
          {t('procPropApply')}
        </Button>
      )}
    </Form>
  );
}

/** Edit a deployed version in the bpmn-js Modeler and deploy the result as a new version. */
export default function ModelerPage() {
  const { id = '' } = useParams();
  const { t, locale } = useLocale();
  const navigate = useNavigate();
  const detail = useApi<{ deployment: Deployment }>(`/api/deployments/${encodeURIComponent(id)}`);
  const source = useDeploymentSource(detail.data?.deployment.id ?? null);
  const canvasRef = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const [modeler, setModeler] = useState<Modeler | null>(null);
  const [selected, setSelected] = useState<ShapeLike | null>(null);
  const [problems, setProblems] = useState<LintProblem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!source.xml || !canvasRef.current || !panelRef.current) return;
    const m = new Modeler({
      container: canvasRef.current,
      propertiesPanel: { parent: panelRef.current },
      additionalModules: [
        BpmnPropertiesPanelModule,
        BpmnPropertiesProviderModule,
        CamundaPlatformPropertiesProviderModule,
        CamundaBehaviors,
        ...(locale === 'zh-CN' ? [zhCnTranslateModule] : []),
      ],
      moddleExtensions: { camunda: camundaModdle },
    } as never);
    let live = true;
    m.importXML(source.xml).then(
      () => {
        if (!live) return;
        const canvas = m.get('canvas') as {
          zoom(l: string): void;
          scroll(d: { dx: number; dy: number }): void;
        };
        canvas.zoom('fit-viewport');
        // The palette sits over the left edge: move the diagram out from under it.
        canvas.scroll({ dx: 100, dy: 0 });
        setModeler(m);
      },
      (e: unknown) => live && setError((e as Error).message),
    );
    (m.get('eventBus') as { on(e: string, cb: (ev: { newSelection: ShapeLike[] }) => void): void }).on(
      'selection.changed',
      (ev) => setSelected(ev.newSelection.length === 1 ? (ev.newSelection[0] ?? null) : null),
    );
    return () => {
      live = false;
      m.destroy();
      setModeler(null);
    };
  }, [source.xml, locale]);

  const select = (elementId: string | null) => {
    if (!modeler || !elementId) return;
    const element = (modeler.get('elementRegistry') as { get(id: string): unknown }).get(elementId);
    if (!element) return;
    (modeler.get('selection') as { select(e: unknown): void }).select(element);
    (modeler.get('canvas') as { scrollToElement(e: unknown): void }).scrollToElement(element);
  };

  const deploy = async () => {
    if (!modeler) return;
    setBusy(true);
    setError(null);
    try {
      const { xml } = await modeler.saveXML({ format: true });
      const headers = { 'content-type': 'application/xml' };
      await api<DeployAnswer>('/api/deployments?dryRun=true', { method: 'POST', body: xml ?? '', headers });
      const outcome = await api<DeployAnswer>('/api/deployments', {
        method: 'POST',
        body: xml ?? '',
        headers,
      });
      setProblems(outcome.problems);
      if (outcome.deployment) navigate(`/processes/versions/${outcome.deployment.id}`);
    } catch (e) {
      const found = e instanceof ApiError ? (e.problem as { problems?: LintProblem[] }).problems : undefined;
      if (found) setProblems(found);
      else setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (detail.error) return <Alert type="error" showIcon title={detail.error.message} />;
  const deployment = detail.data?.deployment;
  return (
    <div>
      <PageTitle
        extra={
          <Button
            type="primary"
            icon={<CloudUploadOutlined />}
            loading={busy}
            disabled={!modeler}
            onClick={() => void deploy()}
          >
            {t('procModelerDeploy')}
          </Button>
        }
      >
        {deployment ? t('procModelerTitle', { key: deployment.processKey, version: deployment.version }) : ''}
      </PageTitle>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {problems && problems.length > 0 && (
        <Table<LintProblem & { key: number }>
          size="small"
          pagination={false}
          style={{ marginBottom: 12 }}
          dataSource={problems.map((p, i) => ({ ...p, key: i }))}
          onRow={(p) => ({ onClick: () => select(p.elementId) })}
          rowClassName="cf-lint-row"
          columns={[
            { title: t('procLintColElement'), dataIndex: 'elementId', width: 220 },
            {
              title: t('procLintColCode'),
              dataIndex: 'code',
              width: 220,
              render: (c: string, p) => <Tag color={p.severity === 'error' ? 'red' : 'orange'}>{c}</Tag>,
            },
            { title: t('procLintColMessage'), dataIndex: 'message' },
          ]}
        />
      )}
      {!source.xml && <Spin />}
      <div className="cf-modeler">
        <div ref={canvasRef} className="cf-modeler-canvas" data-testid="bpmn-modeler" />
        <div className="cf-modeler-side">
          <Card size="small">{modeler && <ElementProperties modeler={modeler} element={selected} />}</Card>
          <div ref={panelRef} className="cf-modeler-panel" />
        </div>
      </div>
    </div>
  );
}
