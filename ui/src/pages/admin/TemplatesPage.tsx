/**
 * Templates per kind: the default deadline, the windows (warning, sign-in, report cadence,
 * escalation) in friendly units, the pace margin, and the completion form's fields, with a live
 * preview of the very form a department will fill in (@rjsf/antd, as on the task page).
 */
import './admin.css';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, Col, Form, Grid, Input, InputNumber, Radio, Row, Select, Space, Switch, Tabs, Tag, Typography } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get } from '../../api/client';
import { keys } from '../../api/keys';
import { ITEM_KINDS, type ItemKind } from '../../api/types';
import { useApiForm } from '../../api/useApiForm';
import { DateTime } from '../../components/DateTime';
import { FormError, PageContainer } from '../../components/PageContainer';
import { DurationInput } from './DurationInput';
import { FIELD_TYPES, rowsOf, schemaOf, uiSchemaOf, type FieldRow } from './fields';
import type { AdminTemplate, TemplateSettings } from './types';

const FormPreview = lazy(() => import('./FormPreview'));

export default function TemplatesPage() {
  const { t } = useTranslation('admin');
  const phone = !Grid.useBreakpoint().md;
  const [kind, setKind] = useState<ItemKind>('meeting_resolution');
  const templates = useQuery({
    queryKey: keys.templates,
    queryFn: ({ signal }) => get<{ items: AdminTemplate[] }>('/api/templates', signal).then((a) => a.items),
  });
  const current = templates.data?.find((x) => x.kind === kind);
  return (
    <PageContainer title={t('templates.title')} subTitle={t('templates.hint')} loading={templates.isPending} error={templates.error}>
      {phone ? (
        // On a phone the tabs would overflow into a menu button, which breaks the tab list's role.
        <>
          <Select<ItemKind> className="kind-select" aria-label={t('templates.kind')} value={kind} onChange={setKind} options={ITEM_KINDS.map((k) => ({ value: k, label: t(`common:kinds.${k}`) }))} />
          {current && <TemplateEditor key={kind} template={current} />}
        </>
      ) : (
        <Tabs
          destroyOnHidden
          activeKey={kind}
          onChange={(k) => setKind(k as ItemKind)}
          items={ITEM_KINDS.map((k) => {
            const template = templates.data?.find((x) => x.kind === k);
            return { key: k, label: t(`common:kinds.${k}`), children: template ? <TemplateEditor template={template} /> : null };
          })}
        />
      )}
    </PageContainer>
  );
}

interface Values {
  deadlineMode: 'workingDays' | 'duration';
  workingDays?: number;
  deadlineDuration?: string;
  warnBefore: string;
  signWithin: string;
  reportOn: boolean;
  reportEvery?: string | null;
  escalateAfter: string;
  urgeEscalateAfter: string;
  paceMarginPercent: number | null;
  fields: FieldRow[];
}

function valuesOf(tpl: AdminTemplate): Values {
  const d = tpl.defaultDeadline;
  return {
    deadlineMode: 'workingDays' in d ? 'workingDays' : 'duration',
    workingDays: 'workingDays' in d ? d.workingDays : 10,
    deadlineDuration: 'duration' in d ? d.duration : 'P30D',
    warnBefore: tpl.warnBefore,
    signWithin: tpl.signWithin,
    reportOn: tpl.reportEvery !== null,
    reportEvery: tpl.reportEvery,
    escalateAfter: tpl.escalateAfter,
    urgeEscalateAfter: tpl.urgeEscalateAfter,
    paceMarginPercent: tpl.paceMarginPercent,
    fields: rowsOf(tpl.completionFields),
  };
}

function TemplateEditor({ template }: { template: AdminTemplate }) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const initial = useMemo(() => valuesOf(template), [template]);
  const mode = Form.useWatch('deadlineMode', form) ?? initial.deadlineMode;
  const reportOn = Form.useWatch('reportOn', form) ?? initial.reportOn;
  const rows = (Form.useWatch('fields', form) ?? initial.fields) as FieldRow[];
  const schema = schemaOf(rows, template.completionFields);
  const save = useApiForm<TemplateSettings, AdminTemplate>({
    method: 'PUT',
    path: `/api/templates/${template.kind}`,
    form,
    invalidate: [keys.templates],
    // The API names fields by the stored shape; the form edits some of them differently.
    fieldName: (f) =>
      f.startsWith('defaultDeadline') ? [mode === 'workingDays' ? 'workingDays' : 'deadlineDuration'] : f.startsWith('completionFields') ? ['fields'] : null,
    onSuccess: () => void message.success(t('common:saved')),
  });
  const submit = (v: Values) =>
    void save.submit({
      defaultDeadline: v.deadlineMode === 'workingDays' ? { workingDays: v.workingDays ?? 0 } : { duration: v.deadlineDuration ?? '' },
      warnBefore: v.warnBefore,
      signWithin: v.signWithin,
      reportEvery: v.reportOn ? (v.reportEvery ?? null) : null,
      escalateAfter: v.escalateAfter,
      urgeEscalateAfter: v.urgeEscalateAfter,
      paceMarginPercent: v.paceMarginPercent ?? null,
      completionFields: schemaOf(v.fields ?? [], template.completionFields),
    });
  const durationItem = (name: keyof Values, label: string, extra?: string) => (
    <Col xs={24} md={12} xl={8}>
      <Form.Item name={name} label={label} extra={extra} rules={[{ required: true, message: t('common:required') }]}>
        <DurationInput aria-label={label} />
      </Form.Item>
    </Col>
  );
  return (
    <Form form={form} layout="vertical" initialValues={initial} onFinish={submit} data-testid={`template-${template.kind}`}>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card
            size="small"
            title={t('templates.timing')}
            extra={template.isDefault ? <Tag>{t('templates.isDefault')}</Tag> : template.updatedAt && <span className="muted">{t('templates.updated')} <DateTime iso={template.updatedAt} /></span>}
          >
            <Row gutter={12}>
              <Col xs={24} md={12} xl={8}>
                <Form.Item name="deadlineMode" label={t('templates.deadline')}>
                  <Radio.Group
                    optionType="button"
                    options={[
                      { value: 'workingDays', label: t('templates.workingDays') },
                      { value: 'duration', label: t('templates.calendarTime') },
                    ]}
                  />
                </Form.Item>
              </Col>
              <Col xs={24} md={12} xl={8}>
                {mode === 'workingDays' ? (
                  <Form.Item name="workingDays" label={t('templates.workingDaysN')} rules={[{ required: true, message: t('common:required') }]}>
                    <InputNumber min={0} max={365} precision={0} addonAfter={t('templates.days')} />
                  </Form.Item>
                ) : (
                  <Form.Item name="deadlineDuration" label={t('templates.deadlineAfter')} rules={[{ required: true, message: t('common:required') }]}>
                    <DurationInput aria-label={t('templates.deadlineAfter')} />
                  </Form.Item>
                )}
              </Col>
              {durationItem('warnBefore', t('templates.warnBefore'), t('templates.warnBeforeHint'))}
              {durationItem('signWithin', t('templates.signWithin'))}
              <Col xs={24} md={12} xl={8}>
                <Form.Item label={t('templates.reportEvery')} required={false}>
                  <Space align="start" wrap>
                    <Form.Item name="reportOn" valuePropName="checked" noStyle>
                      <Switch aria-label={t('templates.reportOn')} />
                    </Form.Item>
                    {reportOn && (
                      <Form.Item name="reportEvery" noStyle rules={[{ required: true, message: t('common:required') }]}>
                        <DurationInput aria-label={t('templates.reportEvery')} />
                      </Form.Item>
                    )}
                  </Space>
                </Form.Item>
              </Col>
              {durationItem('escalateAfter', t('templates.escalateAfter'), t('templates.escalateAfterHint'))}
              {durationItem('urgeEscalateAfter', t('templates.urgeEscalateAfter'))}
              <Col xs={24} md={12} xl={8}>
                <Form.Item name="paceMarginPercent" label={t('templates.pace')} extra={t('templates.paceHint')}>
                  <InputNumber min={0} max={100} addonAfter="%" placeholder={t('templates.paceOff')} />
                </Form.Item>
              </Col>
            </Row>
          </Card>
          <Card size="small" title={t('templates.fields')} className="fields-card">
            <Form.List name="fields">
              {(list, { add, remove }) => (
                <div className="field-rows">
                  {list.map(({ key, name }) => (
                    <div className="field-row" key={key} data-testid="field-row">
                      <Form.Item name={[name, 'key']} label={t('templates.fieldKey')} rules={[{ required: true, message: t('common:required') }, { pattern: /^[A-Za-z][A-Za-z0-9_]*$/, message: t('templates.fieldKeyRule') }]}>
                        <Input placeholder="resultNote" />
                      </Form.Item>
                      <Form.Item name={[name, 'title']} label={t('templates.fieldTitle')} rules={[{ required: true, message: t('common:required') }]}>
                        <Input />
                      </Form.Item>
                      <Form.Item name={[name, 'type']} label={t('templates.fieldType')}>
                        <Select options={FIELD_TYPES.map((ft) => ({ value: ft, label: t(`templates.types.${ft}`) }))} style={{ minWidth: 120 }} />
                      </Form.Item>
                      <Form.Item name={[name, 'required']} label={t('templates.fieldRequired')} valuePropName="checked">
                        <Checkbox />
                      </Form.Item>
                      <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('templates.removeField')} onClick={() => remove(name)} className="field-remove" />
                    </div>
                  ))}
                  <Button icon={<PlusOutlined />} onClick={() => add({ key: '', title: '', type: 'text', required: false })} data-testid="add-field">
                    {t('templates.addField')}
                  </Button>
                </div>
              )}
            </Form.List>
          </Card>
          <FormError message={save.formError} />
          <Button type="primary" htmlType="submit" loading={save.pending} className="save-template">
            {t('templates.save')}
          </Button>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('templates.preview')} className="form-preview" data-testid="form-preview">
            <Typography.Paragraph type="secondary">{t('templates.previewHint')}</Typography.Paragraph>
            <Suspense fallback={<Card loading variant="borderless" />}>
              <FormPreview schema={schema} uiSchema={uiSchemaOf(rows)} />
            </Suspense>
          </Card>
        </Col>
      </Row>
    </Form>
  );
}

