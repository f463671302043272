/** The completion form exactly as @rjsf/antd renders it for a department (no submit: a preview). */
import Form from '@rjsf/antd';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { Component, useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { JsonSchemaObject } from '../../api/types';
import { describeProblem } from '../../features/item/CompletionForm';
import { PlainValidator } from '../../lib/form-validator';

/** A half-typed field (a key being written) must not take the page down with it. */
class Guard extends Component<{ children: ReactNode; fallback: ReactNode; schemaKey: string }, { failed: string | null }> {
  override state = { failed: null as string | null };
  static getDerivedStateFromError() {
    return { failed: 'yes' };
  }
  override componentDidUpdate(previous: { schemaKey: string }) {
    if (previous.schemaKey !== this.props.schemaKey && this.state.failed) this.setState({ failed: null });
  }
  override render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

export default function FormPreview({ schema, uiSchema }: { schema: JsonSchemaObject; uiSchema: Record<string, unknown> }) {
  const key = JSON.stringify(schema);
  const { t } = useTranslation();
  // The same eval-free validator as the department's form (the CSP refuses ajv's compiled code).
  const validator = useMemo(() => new PlainValidator((p) => describeProblem(t, p)), [t]);
  return (
    <Guard schemaKey={key} fallback={null}>
      <Form
        key={key}
        schema={schema as RJSFSchema}
        uiSchema={{ ...(uiSchema as UiSchema), 'ui:submitButtonOptions': { norender: true } }}
        validator={validator}
        showErrorList={false}
        liveValidate={false}
      />
    </Guard>
  );
}
