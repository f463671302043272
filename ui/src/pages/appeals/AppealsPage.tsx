/**
 * The hotline operator's desk (热线受理): register a call, the dispatch queue (new and returned
 * appeals), and the return visits due. Phone-first: cards, not tables, one column at 390 px.
 */
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Flex, Form, Input, List, Radio, Select, Tabs, Tag, Typography } from 'antd';
import { useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, get, qs } from '../../api/client';
import { useDepartments } from '../../api/queries';
import type { Department, Page } from '../../api/types';
import { useApiForm } from '../../api/useApiForm';
import { SimilarOpenItems } from './SimilarOpenItems';
import { DateTime } from '../../components/DateTime';
import { MatterSelect } from '../../features/matters/MatterSelect';
import { DepartmentSuggestions } from '../launch/DepartmentSuggestions';
import { CHANNELS, VISIT_RESULTS, type Appeal } from './types';

const appealsKey = ['appeals'];

function useAppeals(params: Record<string, string | number>) {
  return useQuery({
    queryKey: [...appealsKey, params],
    queryFn: ({ signal }) => get<Page<Appeal>>(`/api/appeals${qs({ pageSize: 50, ...params })}`, signal),
  });
}

/** One of the desk's forms: posted with useApiForm (the API's field problems at the fields), then the lists refetch. */
function AppealForm(props: {
  path: string;
  label: string;
  initialValues?: Record<string, unknown>;
  onDone?: (r: Registered, values: Record<string, unknown>) => void;
  children: React.ReactNode;
}) {
  const [form] = Form.useForm();
  const { submit, pending, formError } = useApiForm<Record<string, unknown>, Registered>({
    path: props.path,
    form,
    fieldName: (f) => [f.replace(/^body\./, '')],
    invalidate: [appealsKey],
    onSuccess: (r) => {
      props.onDone?.(r, form.getFieldsValue());
      form.resetFields();
    },
  });
  return (
    <Form form={form} layout="vertical" initialValues={props.initialValues} onFinish={(v) => void submit(v)}>
      {props.children}
      {formError && <Alert type="error" title={formError} className="appeal-alert" />}
      <Button type="primary" htmlType="submit" loading={pending} block>
        {props.label}
      </Button>
    </Form>
  );
}

/** What registering answers (the forms' other answers are read for nothing but success). */
interface Registered {
  code: string;
  queryCode: string;
  autoDispatched?: { departmentName: string; departmentNameEn: string | null; confidence: number; modelVersion: number } | null;
}

/** The registration's answer: its codes, and where auto-dispatch sent it, if it did. */
function RegisteredNotice({ done }: { done: Registered }) {
  const { t, i18n } = useTranslation('appeals');
  const auto = done.autoDispatched;
  const department = auto && (i18n.language.startsWith('zh') || !auto.departmentNameEn ? auto.departmentName : auto.departmentNameEn);
  return (
    <Alert
      type="success"
      showIcon
      title={t('registered', { code: done.code, queryCode: done.queryCode })}
      description={auto ? t('autoDispatched', { department, percent: Math.round(auto.confidence * 100), version: auto.modelVersion }) : undefined}
      className="appeal-alert"
      data-testid="registered-notice"
    />
  );
}

function RegisterForm() {
  const { t } = useTranslation('appeals');
  const [done, setDone] = useState<Registered | null>(null);
  return (
    <AppealForm path="/api/appeals" label={t('register')} initialValues={{ channel: 'hotline' }} onDone={setDone}>
      {done && <RegisteredNotice done={done} />}
      <Form.Item name="phone" label={t('fields.phone')} rules={[{ required: true }]}>
        <Input inputMode="tel" autoComplete="off" />
      </Form.Item>
      <Form.Item name="citizenName" label={t('fields.citizenName')}>
        <Input />
      </Form.Item>
      <Form.Item name="text" label={t('fields.text')} rules={[{ required: true }]}>
        <Input.TextArea rows={4} />
      </Form.Item>
      <Form.Item noStyle dependencies={['text']}>
        {({ getFieldValue }) => <SimilarOpenItems text={String(getFieldValue('text') ?? '')} />}
      </Form.Item>
      <Form.Item name="place" label={t('fields.place')}>
        <Input />
      </Form.Item>
      <Form.Item name="channel" label={t('fields.channel')}>
        <Radio.Group optionType="button" options={CHANNELS.map((c) => ({ value: c, label: t(`channels.${c}`) }))} />
      </Form.Item>
      <Form.Item name="matterId" label={t('matters:matter')}>
        <MatterSelect />
      </Form.Item>
    </AppealForm>
  );
}

function AppealCard({ appeal, children }: { appeal: Appeal; children?: React.ReactNode }) {
  const { t } = useTranslation('appeals');
  return (
    <Card size="small" title={`${appeal.code} · ${appeal.title}`} data-testid="appeal-card">
      <Typography.Paragraph className="wrap-anywhere">{appeal.text}</Typography.Paragraph>
      <Flex gap={8} wrap>
        <Tag>{t(`stages.${appeal.status}`)}</Tag>
        {appeal.returnCount > 0 && <Tag color="orange">{t('returned', { count: appeal.returnCount })}</Tag>}
        <Typography.Text>{appeal.citizenName ?? ''} {appeal.phone}</Typography.Text>
        <DateTime iso={appeal.createdAt} />
      </Flex>
      {appeal.reply && <Typography.Paragraph type="secondary">{t('reply')}：{appeal.reply.text}</Typography.Paragraph>}
      {children}
    </Card>
  );
}

/** The lead department's top 3 for the appeal's text, inside the dispatch form: a pick fills the department. */
function AppealSuggestions({ appeal, onAnswer }: { appeal: Appeal; onAnswer(id: string | null): void }) {
  const form = Form.useFormInstance();
  const selected = Form.useWatch<string | undefined>('departmentId', form);
  return (
    <div className="appeal-suggestions" data-testid="appeal-suggestions">
      <DepartmentSuggestions
        title={appeal.title}
        text={appeal.text}
        kind="appeal"
        selected={selected}
        onPick={(id) => form.setFieldValue('departmentId', id)}
        onAnswer={onAnswer}
        showDuplicates={false}
      />
    </div>
  );
}

function DispatchForm({ appeal, departments }: { appeal: Appeal; departments: Department[] }) {
  const { t } = useTranslation('appeals');
  const options = departments.map((d) => ({ value: d.id, label: d.name }));
  const suggestionId = useRef<string | null>(null);
  const onAnswer = useCallback((id: string | null) => {
    suggestionId.current = id;
  }, []);
  // What the dispatcher finally chose goes with the suggestion, for its accuracy month by month.
  const recordChoice = (_: unknown, values: Record<string, unknown>) => {
    if (suggestionId.current && typeof values.departmentId === 'string')
      void api('POST', `/api/ai/suggestions/${suggestionId.current}/choice`, { body: { departmentId: values.departmentId } }).catch(() => {});
  };
  return (
    <AppealForm path={`/api/appeals/${appeal.id}/dispatch`} label={t('dispatch')} initialValues={appeal.matterId ? { matterId: appeal.matterId } : undefined} onDone={recordChoice}>
      <AppealSuggestions appeal={appeal} onAnswer={onAnswer} />
      <Form.Item name="departmentId" label={t('fields.department')} rules={[{ required: true }]}>
        <Select showSearch optionFilterProp="label" options={options} />
      </Form.Item>
      {appeal.status === 'registered' && (
        <Form.Item name="assist" label={t('fields.assist')}>
          <Select mode="multiple" optionFilterProp="label" options={options} />
        </Form.Item>
      )}
      <Form.Item name="matterId" label={t('matters:matter')}>
        <MatterSelect />
      </Form.Item>
    </AppealForm>
  );
}

function VisitForm({ appeal }: { appeal: Appeal }) {
  const { t } = useTranslation('appeals');
  return (
    <AppealForm path={`/api/appeals/${appeal.id}/return-visit`} label={t('recordVisit')}>
      {appeal.visitDueAt && (
        <Typography.Text type="secondary">
          {t('visitDue')} <DateTime iso={appeal.visitDueAt} />
        </Typography.Text>
      )}
      <Form.Item name="result" label={t('fields.result')} rules={[{ required: true }]}>
        <Radio.Group optionType="button" options={VISIT_RESULTS.map((r) => ({ value: r, label: t(`results.${r}`) }))} />
      </Form.Item>
      <Form.Item name="comment" label={t('fields.comment')}>
        <Input.TextArea rows={2} />
      </Form.Item>
    </AppealForm>
  );
}

function AppealList({ params, action }: { params: Record<string, string | number>; action: (a: Appeal) => React.ReactNode }) {
  const { t } = useTranslation('appeals');
  const appeals = useAppeals(params);
  return (
    <List<Appeal>
      loading={appeals.isPending}
      dataSource={appeals.data?.items ?? []}
      locale={{ emptyText: <Empty description={t('none')} /> }}
      renderItem={(a) => (
        <List.Item key={a.id}>
          <AppealCard appeal={a}>{action(a)}</AppealCard>
        </List.Item>
      )}
    />
  );
}

export default function AppealsPage() {
  const { t } = useTranslation('appeals');
  const list = useDepartments().data ?? [];
  return (
    <div className="appeals-page">
      <Typography.Title level={2}>{t('title')}</Typography.Title>
      <Tabs
        items={[
          { key: 'register', label: t('tabs.register'), children: <RegisterForm /> },
          { key: 'new', label: t('tabs.queue'), children: <AppealList params={{ status: 'registered' }} action={(a) => <DispatchForm appeal={a} departments={list} />} /> },
          { key: 'returned', label: t('tabs.returned'), children: <AppealList params={{ status: 'returned' }} action={(a) => <DispatchForm appeal={a} departments={list} />} /> },
          { key: 'visits', label: t('tabs.visits'), children: <AppealList params={{ visitDueWithinHours: 24 * 30 }} action={(a) => <VisitForm appeal={a} />} /> },
        ]}
      />
    </div>
  );
}
