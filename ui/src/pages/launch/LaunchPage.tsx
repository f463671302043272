/**
 * The launch wizard (antd Steps): kind → the item → departments from the tree (lead, assists with
 * their own optional deadlines) → deadline (a future date, or N working days with the date computed
 * live on the calendar) → reminder windows and public flag → review → POST /api/items.
 * One form across the steps; an API refusal jumps back to the step of the field it names.
 */
import { useQuery } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Flex,
  Form,
  Input,
  InputNumber,
  Radio,
  Select,
  Space,
  Steps,
  Switch,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, ApiError, get } from '../../api/client';
import { itemScoped } from '../../api/keys';
import { useDepartmentName, useLeaders, useTemplates } from '../../api/queries';
import { ITEM_KINDS, type ItemKind, type Template } from '../../api/types';
import { useApiForm } from '../../api/useApiForm';
import { useUser } from '../../app/session';
import { DateTime } from '../../components/DateTime';
import { DepartmentTreeSelect } from '../../components/DepartmentTree';
import { DurationInput, durationText } from '../../components/DurationInput';
import { FormError, PageContainer } from '../../components/PageContainer';
import { DepartmentSuggestions } from './DepartmentSuggestions';

interface Values {
  kind: ItemKind;
  title: string;
  description?: string;
  source?: string;
  issuedBy?: string;
  lead: string;
  assists?: string[];
  assistDue?: Record<string, Dayjs | null>;
  mode: 'date' | 'days';
  dueAt?: Dayjs;
  dueInWorkingDays?: number;
  warnBefore?: string;
  signWithin?: string;
  reportEvery?: string | null;
  escalateAfter?: string | null;
  public: boolean;
}

const STEPS = ['kind', 'basics', 'departments', 'deadline', 'windows', 'review'] as const;
const STEP_FIELDS: string[][] = [
  ['kind'],
  ['title', 'description', 'source', 'issuedBy'],
  ['lead', 'assists', 'assistDue'],
  ['mode', 'dueAt', 'dueInWorkingDays'],
  ['warnBefore', 'signWithin', 'reportEvery', 'escalateAfter', 'public'],
  [],
];

const iso = (d: Dayjs) =>
  d
    .toDate()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');

function toBody(v: Values) {
  const assists = (v.assists ?? []).filter((id) => id !== v.lead);
  return {
    kind: v.kind,
    title: v.title,
    ...(v.description ? { description: v.description } : {}),
    ...(v.source ? { source: v.source } : {}),
    ...(v.issuedBy ? { issuedBy: v.issuedBy } : {}),
    ...(v.mode === 'date' && v.dueAt ? { dueAt: iso(v.dueAt) } : {}),
    ...(v.mode === 'days' && v.dueInWorkingDays ? { dueInWorkingDays: v.dueInWorkingDays } : {}),
    ...(v.warnBefore ? { warnBefore: v.warnBefore } : {}),
    ...(v.signWithin ? { signWithin: v.signWithin } : {}),
    ...(v.reportEvery !== undefined ? { reportEvery: v.reportEvery } : {}),
    ...(v.escalateAfter ? { escalateAfter: v.escalateAfter } : {}),
    public: v.public ?? false,
    tasks: [
      { departmentId: v.lead, role: 'lead' as const },
      ...assists.map((id) => {
        const due = v.assistDue?.[id];
        return { departmentId: id, role: 'assist' as const, ...(due ? { dueAt: iso(due) } : {}) };
      }),
    ],
  };
}

export default function LaunchPage() {
  const { t } = useTranslation('launch');
  const user = useUser();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [step, setStep] = useState(0);
  const templates = useTemplates();
  const leaders = useLeaders();
  const deptName = useDepartmentName();
  const kind = Form.useWatch('kind', form);
  const mode = Form.useWatch('mode', form);
  const days = Form.useWatch('dueInWorkingDays', form);
  const lead = Form.useWatch('lead', form);
  const assists = Form.useWatch('assists', form);
  const title = Form.useWatch('title', form);
  const description = Form.useWatch('description', form);
  // The suggestion answered for this text: its record learns the department finally chosen.
  const suggestionId = useRef<string | null>(null);
  const onAnswer = useCallback((id: string | null) => {
    suggestionId.current = id;
  }, []);
  const template = templates.data?.find((x) => x.kind === kind);

  // The template's defaults, whenever the kind changes.
  useEffect(() => {
    if (!template) return;
    const deadline = template.defaultDeadline;
    form.setFieldsValue({
      warnBefore: template.warnBefore,
      signWithin: template.signWithin,
      reportEvery: template.reportEvery ?? null,
      escalateAfter: template.escalateAfter ?? null,
      ...('workingDays' in deadline
        ? { mode: 'days', dueInWorkingDays: deadline.workingDays }
        : { mode: 'date', dueAt: dayjs().add(parseDays(deadline.duration), 'day').hour(18).minute(0).second(0) }),
    });
  }, [template, form]);

  const body = (): ReturnType<typeof toBody> => toBody(form.getFieldsValue(true) as Values);
  const fieldName = (apiField: string): (string | number)[] | null => {
    const m = /^tasks\.(\d+)\.(\w+)$/.exec(apiField);
    if (!m) return null;
    const i = Number(m[1]);
    if (i === 0) return ['lead'];
    const id = body().tasks[i]?.departmentId;
    return m[2] === 'dueAt' && id ? ['assistDue', id] : ['assists'];
  };
  const { submit, pending, formError } = useApiForm<ReturnType<typeof toBody>, { id: string; code: string }>({
    path: '/api/items',
    form,
    fieldName,
    invalidate: itemScoped,
    onSuccess: (r) => {
      const lead = (form.getFieldsValue(true) as Values).lead;
      if (suggestionId.current)
        void api('POST', `/api/ai/suggestions/${suggestionId.current}/choice`, { body: { departmentId: lead, itemId: r.id } }).catch(
          () => {},
        );
      void message.success(t('launched', { code: r.code }));
      void navigate(`/items/${r.id}`);
    },
  });

  const launch = async () => {
    const result = await submit(body());
    if (!result) {
      // Back to the first step holding a field the API named.
      const errored = form
        .getFieldsError()
        .filter((f) => f.errors.length > 0)
        .map((f) => String(f.name[0]));
      const back = STEP_FIELDS.findIndex((fields) => fields.some((f) => errored.includes(f)));
      if (back >= 0) setStep(back);
    }
  };
  const next = async () => {
    try {
      await form.validateFields(STEP_FIELDS[step]!, { recursive: true });
      setStep((s) => s + 1);
    } catch {
      // the fields show what is wrong
    }
  };

  return (
    <PageContainer title={t('title')}>
      <Card className="launch-card">
        <Steps current={step} size="small" className="launch-steps" items={STEPS.map((s) => ({ title: t(`steps.${s}`) }))} responsive />
        <Form<Values>
          form={form}
          layout="vertical"
          aria-label={t('title')}
          initialValues={{ public: false, mode: 'days', issuedBy: user.role === 'leader' ? user.id : undefined }}
          preserve
          requiredMark
          className="launch-form"
        >
          <div hidden={step !== 0}>
            <Form.Item name="kind" label={t('kind')} extra={t('kindHint')} rules={[{ required: true, message: t('common:required') }]}>
              <Radio.Group className="kind-choice">
                {ITEM_KINDS.map((k) => (
                  <Radio.Button key={k} value={k}>
                    {t(`common:kinds.${k}`)}
                  </Radio.Button>
                ))}
              </Radio.Group>
            </Form.Item>
            {template && <TemplateSummary template={template} />}
          </div>
          <div hidden={step !== 1}>
            <Form.Item
              name="title"
              label={t('itemTitle')}
              rules={[{ required: true, whitespace: true, message: t('common:required') }, { max: 200 }]}
            >
              <Input maxLength={200} showCount />
            </Form.Item>
            <Form.Item name="description" label={t('description')}>
              <Input.TextArea rows={4} maxLength={20000} />
            </Form.Item>
            <Form.Item name="source" label={t('source')}>
              <Input maxLength={500} />
            </Form.Item>
            <Form.Item
              name="issuedBy"
              label={t('issuedBy')}
              extra={user.role === 'leader' ? t('issuedBySelf') : undefined}
              rules={user.role === 'leader' ? [] : [{ required: true, message: t('chooseLeader') }]}
            >
              <Select
                allowClear={user.role !== 'leader'}
                disabled={user.role === 'leader'}
                placeholder={t('chooseLeader')}
                loading={leaders.isPending}
                // A leader issues only in their own name (the API refuses another leader's).
                options={(leaders.data ?? [])
                  .filter((l) => user.role !== 'leader' || l.id === user.id)
                  .map((l) => ({ value: l.id, label: l.displayName }))}
                showSearch={{ optionFilterProp: 'label' }}
              />
            </Form.Item>
          </div>
          <div hidden={step !== 2}>
            {step === 2 ? (
              <DepartmentSuggestions
                title={description ? title : undefined}
                text={description || title || ''}
                kind={kind}
                selected={lead}
                onPick={(id) => form.setFieldsValue({ lead: id })}
                onAnswer={onAnswer}
              />
            ) : null}
            <Form.Item name="lead" label={t('lead')} rules={[{ required: true, message: t('common:required') }]}>
              <DepartmentTreeSelect placeholder={t('chooseDepartment')} />
            </Form.Item>
            <Form.Item
              name="assists"
              label={t('assists')}
              rules={[
                {
                  validator: (_, v: string[] | undefined) =>
                    v?.includes(form.getFieldValue('lead')) ? Promise.reject(new Error(t('leadNotAssist'))) : Promise.resolve(),
                },
              ]}
            >
              <DepartmentTreeSelect multiple placeholder={t('chooseDepartment')} exclude={lead ? [lead] : []} />
            </Form.Item>
            {(assists ?? []).map((id) => (
              <Form.Item key={id} name={['assistDue', id]} label={t('assistDue', { name: deptName(id) })} rules={[futureRule(t)]}>
                <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" disabledDate={past} />
              </Form.Item>
            ))}
          </div>
          <div hidden={step !== 3}>
            <Form.Item name="mode" label={t('deadlineMode')}>
              <Radio.Group>
                <Radio value="date">{t('byDate')}</Radio>
                <Radio value="days">{t('byWorkingDays')}</Radio>
              </Radio.Group>
            </Form.Item>
            {mode === 'date' ? (
              <Form.Item name="dueAt" label={t('dueAt')} rules={[{ required: true, message: t('common:required') }, futureRule(t)]}>
                <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" disabledDate={past} />
              </Form.Item>
            ) : (
              <>
                <Form.Item name="dueInWorkingDays" label={t('workingDays')} rules={[{ required: true, message: t('common:required') }]}>
                  <InputNumber min={1} max={3650} precision={0} />
                </Form.Item>
                <ComputedDue days={typeof days === 'number' ? days : null} />
              </>
            )}
          </div>
          <div hidden={step !== 4}>
            <Flex gap={16} wrap>
              <Form.Item name="warnBefore" label={t('warnBefore')}>
                <DurationInput aria-label={t('warnBefore')} />
              </Form.Item>
              <Form.Item name="signWithin" label={t('signWithin')}>
                <DurationInput aria-label={t('signWithin')} />
              </Form.Item>
              <Form.Item name="reportEvery" label={t('reportEvery')} extra={t('noReport')}>
                <DurationInput allowEmpty aria-label={t('reportEvery')} />
              </Form.Item>
              <Form.Item name="escalateAfter" label={t('escalateAfter')}>
                <DurationInput allowEmpty aria-label={t('escalateAfter')} />
              </Form.Item>
            </Flex>
            <Form.Item name="public" label={t('isPublic')} valuePropName="checked" extra={t('publicHint')}>
              <Switch />
            </Form.Item>
          </div>
          {step === 5 && <Review values={form.getFieldsValue(true) as Values} />}
          <FormError message={formError} />
          <Flex gap={8} justify="space-between" className="wizard-buttons">
            <Button onClick={() => setStep((s) => s - 1)} disabled={step === 0}>
              {t('prev')}
            </Button>
            {step < STEPS.length - 1 ? (
              <Button type="primary" onClick={() => void next()}>
                {t('next')}
              </Button>
            ) : (
              <Button type="primary" onClick={() => void launch()} loading={pending}>
                {t('launch')}
              </Button>
            )}
          </Flex>
        </Form>
      </Card>
    </PageContainer>
  );
}

function parseDays(duration: string): number {
  const m = /^P(\d+)D$/.exec(duration);
  return m ? Number(m[1]) : 30;
}

const past = (d: Dayjs) => d.isBefore(dayjs().startOf('day'));

function futureRule(t: (k: string) => string) {
  return {
    validator: (_: unknown, v: Dayjs | null | undefined) =>
      !v || v.isAfter(dayjs()) ? Promise.resolve() : Promise.reject(new Error(t('mustBeFuture'))),
  };
}

function TemplateSummary({ template }: { template: Template }) {
  const { t } = useTranslation('launch');
  const d = template.defaultDeadline;
  const deadline = 'workingDays' in d ? t('workingDaysN', { n: d.workingDays }) : durationText(d.duration, t);
  return (
    <Typography.Paragraph type="secondary">
      {t('templateDefaults', { deadline, warn: durationText(template.warnBefore, t), sign: durationText(template.signWithin, t) })}
    </Typography.Paragraph>
  );
}

/** The date N working days from now, computed on the platform's calendar as the user types. */
function ComputedDue({ days }: { days: number | null }) {
  const { t } = useTranslation('launch');
  const due = useQuery({
    queryKey: ['calendar', 'due-date', days],
    enabled: days !== null && days > 0,
    retry: false,
    queryFn: ({ signal }) => get<{ dueAt: string }>(`/api/calendar/due-date?days=${days}`, signal),
  });
  if (days === null) return null;
  return (
    <div className="computed-due" data-testid="computed-due" aria-live="polite">
      {due.isPending ? (
        <Typography.Text type="secondary">{t('computing')}</Typography.Text>
      ) : due.data ? (
        <Space>
          <Typography.Text type="secondary">{t('computedDue')}</Typography.Text>
          <Typography.Text strong>
            <DateTime iso={due.data.dueAt} />
          </Typography.Text>
        </Space>
      ) : (
        <Typography.Text type="secondary">
          {due.error instanceof ApiError && due.error.status === 400 ? due.error.message : t('computeUnavailable')}
        </Typography.Text>
      )}
    </div>
  );
}

function Review({ values }: { values: Values }) {
  const { t } = useTranslation('launch');
  const deptName = useDepartmentName();
  const leaders = useLeaders();
  const leader = leaders.data?.find((l) => l.id === values.issuedBy)?.displayName;
  const assists = (values.assists ?? []).filter((id) => id !== values.lead);
  return (
    <Descriptions column={1} bordered size="small" title={t('review')} className="launch-review">
      <Descriptions.Item label={t('kind')}>{t(`common:kinds.${values.kind}`)}</Descriptions.Item>
      <Descriptions.Item label={t('itemTitle')}>
        <span className="wrap-anywhere">{values.title}</span>
      </Descriptions.Item>
      {values.source && <Descriptions.Item label={t('source')}>{values.source}</Descriptions.Item>}
      <Descriptions.Item label={t('issuedBy')}>{leader ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={t('lead')}>{deptName(values.lead)}</Descriptions.Item>
      <Descriptions.Item label={t('assists')}>
        {assists.length === 0
          ? '—'
          : assists.map((id) => (
              <div key={id}>
                {deptName(id)}
                {values.assistDue?.[id] ? <> · {values.assistDue[id]!.format('YYYY-MM-DD HH:mm')}</> : null}
              </div>
            ))}
      </Descriptions.Item>
      <Descriptions.Item label={t('dueAt')}>
        {values.mode === 'date' ? (values.dueAt?.format('YYYY-MM-DD HH:mm') ?? '—') : t('workingDaysN', { n: values.dueInWorkingDays })}
      </Descriptions.Item>
      <Descriptions.Item label={t('warnBefore')}>{durationText(values.warnBefore, t)}</Descriptions.Item>
      <Descriptions.Item label={t('signWithin')}>{durationText(values.signWithin, t)}</Descriptions.Item>
      <Descriptions.Item label={t('reportEvery')}>
        {values.reportEvery ? durationText(values.reportEvery, t) : t('noReport')}
      </Descriptions.Item>
      <Descriptions.Item label={t('escalateAfter')}>{durationText(values.escalateAfter, t)}</Descriptions.Item>
      <Descriptions.Item label={t('isPublic')}>{values.public ? t('common:yes') : t('common:no')}</Descriptions.Item>
    </Descriptions>
  );
}
