/**
 * A button that opens a small form in a modal and posts it (useApiForm: Idempotency-Key, the API's
 * reason at the field). The form is labelled by the action's name, so tests and screen readers find it.
 */
import { App, Button, Form, Modal, type ButtonProps } from 'antd';
import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { itemScoped } from '../api/keys';
import { useApiForm } from '../api/useApiForm';
import { FormError } from './PageContainer';

export interface ActionModalProps<V, B> {
  label: string;
  title?: string;
  path: string;
  /** POST unless told (a revision is a PATCH). */
  method?: string;
  toBody: (values: V) => B;
  children: ReactNode;
  initialValues?: Partial<V>;
  button?: ButtonProps;
  okText?: string;
  /** Shown above the fields (a warning, the request being decided). */
  intro?: ReactNode;
  fieldName?: (apiField: string) => (string | number)[] | null;
  onDone?: () => void;
}

export function ActionModal<V extends object, B>({ label, title, path, method, toBody, children, initialValues, button, okText, intro, fieldName, onDone }: ActionModalProps<V, B>) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<V>();
  // Several action forms share field names (`reason`, `comment`) and are rendered up front: a form
  // name of its own keeps every field's id unique, so each label points at its own field.
  const formName = `action${useId().replace(/[^a-zA-Z0-9]/g, '')}`;
  const { submit, pending, formError, clearError } = useApiForm<B>({
    path,
    method,
    form,
    fieldName,
    invalidate: itemScoped,
    onSuccess: () => {
      void message.success(t('done'));
      setOpen(false);
      form.resetFields();
      onDone?.();
    },
  });
  return (
    <>
      <Button {...button} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Modal
        open={open}
        title={title ?? label}
        okText={okText ?? t('submit')}
        onOk={() => form.submit()}
        confirmLoading={pending}
        onCancel={() => {
          setOpen(false);
          clearError();
        }}
        destroyOnHidden
        forceRender
      >
        {intro}
        <Form<V> form={form} name={formName} layout="vertical" aria-label={label} initialValues={initialValues} onFinish={(v) => void submit(toBody(v))}>
          {children}
          <FormError message={formError} />
        </Form>
      </Modal>
    </>
  );
}
