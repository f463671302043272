/**
 * The completion report, rendered from the template's JSON Schema with @rjsf/antd. The summary is
 * written once: when the template has `result` (the defaults do), that field is the summary; else a
 * summary field is added at the top of the same form. The API's field problems stand at their fields.
 */
import type { IChangeEvent } from '@rjsf/core';
import Form from '@rjsf/antd';
import { englishStringTranslator, type ErrorSchema, type RJSFSchema, type UiSchema, type TranslatableString } from '@rjsf/utils';
import { Button, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import type { JsonSchemaObject } from '../../api/types';
import { currentLang } from '../../app/i18n';
import { FormError } from '../../components/PageContainer';
import { PlainValidator, type Problem } from '../../lib/form-validator';

/** A form problem in the user's words (the field's title stands beside it already). */
export function describeProblem(t: TFunction, p: Problem): string {
  const limit = p.params.limit;
  switch (p.keyword) {
    case 'required':
      return t('task:validation.required');
    case 'minLength':
      return limit === 1 ? t('task:validation.required') : t('task:validation.minLength', { limit });
    case 'type':
      return t('task:validation.type', {
        type: String(p.params.type)
          .split(', ')
          .map((x) => t(`task:validation.types.${x}`, { defaultValue: x }))
          .join(' / '),
      });
    case 'format':
      return t('task:validation.format', { format: t(`task:validation.formats.${String(p.params.format)}`, { defaultValue: String(p.params.format) }) });
    case 'additionalProperties':
      return t('task:validation.additionalProperties', { property: p.params.additionalProperty });
    case 'maxLength':
    case 'pattern':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf':
    case 'minItems':
    case 'maxItems':
    case 'uniqueItems':
    case 'enum':
    case 'const':
    case 'minProperties':
    case 'maxProperties':
      return t(`task:validation.${p.keyword}`, { limit });
    default:
      return t('task:validation.other');
  }
}

export interface CompletionBody {
  summary: string;
  fields?: Record<string, unknown>;
}

export function completionSchema(template: JsonSchemaObject | undefined, summaryTitle: string): { schema: RJSFSchema; summaryField: string } {
  const base = (template ?? { type: 'object', properties: {} }) as RJSFSchema;
  const props = (base.properties ?? {}) as Record<string, RJSFSchema>;
  // The default templates mark `result` readOnly (the API fills it from the summary): here it IS the summary, so it must be writable.
  if (props.result && props.result.type === 'string') return { schema: { ...base, properties: { ...props, result: { ...props.result, readOnly: false } }, required: [...new Set([...(base.required ?? []), 'result'])] }, summaryField: 'result' };
  return {
    schema: { ...base, type: 'object', required: ['summary', ...(base.required ?? [])], properties: { summary: { type: 'string', title: summaryTitle, minLength: 1, maxLength: 20000 }, ...props } },
    summaryField: 'summary',
  };
}

/** Long strings as text areas; everything else as rjsf's antd widgets. */
function uiSchemaOf(schema: RJSFSchema, summaryField: string): UiSchema {
  const ui: UiSchema = { 'ui:submitButtonOptions': { norender: true } };
  for (const [name, p] of Object.entries((schema.properties ?? {}) as Record<string, RJSFSchema>)) {
    if (p.type === 'string' && !p.enum && (name === summaryField || (p.maxLength ?? 1000) > 200)) ui[name] = { 'ui:widget': 'textarea', 'ui:options': { rows: 4 } };
  }
  return ui;
}

export function CompletionForm({ template, pending, error, onSubmit }: { template: JsonSchemaObject | undefined; pending: boolean; error: unknown; onSubmit: (body: CompletionBody) => void }) {
  const { t } = useTranslation('task');
  const lang = currentLang();
  const { schema, summaryField } = useMemo(() => completionSchema(template, t('summary')), [template, t]);
  const uiSchema = useMemo(() => uiSchemaOf(schema, summaryField), [schema, summaryField]);
  // Not @rjsf/validator-ajv8: it compiles schemas with `new Function`, which the CSP refuses (lib/form-validator.ts).
  const validator = useMemo(() => new PlainValidator((p) => describeProblem(t, p)), [t]);
  const [formData, setFormData] = useState<Record<string, unknown>>({});
  const translate = (s: TranslatableString, params?: string[]) => {
    const zh = lang === 'zh' ? (t(`rjsf.${s}`, { defaultValue: '' }) as string) : '';
    return zh ? zh.replace(/%(\d)/g, (_, i: string) => params?.[Number(i) - 1] ?? '') : englishStringTranslator(s, params);
  };

  // The API's field problems (`summary`, `fields.x`) at their fields in the rjsf form.
  const fieldErrors = error instanceof ApiError ? error.fieldErrors(lang) : {};
  const extraErrors: ErrorSchema = {};
  const unshown: string[] = [];
  for (const [field, message] of Object.entries(fieldErrors)) {
    const name = field === 'summary' ? summaryField : field.startsWith('fields.') ? field.slice(7).split('.')[0]! : null;
    if (name && name in ((schema.properties ?? {}) as object)) (extraErrors as Record<string, { __errors: string[] }>)[name] = { __errors: [message] };
    else unshown.push(message);
  }
  const formError = error instanceof ApiError ? (Object.keys(fieldErrors).length === 0 ? error.localized(lang) : unshown.join('; ') || null) : error ? String(error) : null;

  const submit = ({ formData: data }: IChangeEvent<Record<string, unknown>>) => {
    const values = { ...(data ?? {}) };
    const summary = String(values[summaryField] ?? '').trim();
    if (summaryField === 'summary') delete values.summary;
    const fields = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)));
    onSubmit({ summary, ...(Object.keys(fields).length ? { fields } : {}) });
  };

  return (
    <div className="completion-form" aria-label={t('complete')} role="form">
      <Typography.Paragraph type="secondary">{t('completeHint')}</Typography.Paragraph>
      <Form
        key={lang}
        schema={schema}
        uiSchema={uiSchema}
        validator={validator}
        formData={formData}
        onChange={(e) => setFormData(e.formData ?? {})}
        onSubmit={submit}
        extraErrors={extraErrors}
        showErrorList={false}
        translateString={translate}
        noHtml5Validate
      >
        <FormError message={formError} />
        <Button type="primary" htmlType="submit" loading={pending} block>
          {t('complete')}
        </Button>
      </Form>
    </div>
  );
}
