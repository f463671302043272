/**
 * A form submission through TanStack Query: one Idempotency-Key per submission, reused when the
 * same body is sent again (a retry, a double click), a fresh one once the body changes or it
 * worked; the API's field problems are put on the antd form's fields, in the user's language, and
 * whatever no field shows stays as the form-level error.
 */
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import type { FormInstance } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, newKey } from './client';

export interface ApiFormOptions<B, R> {
  method?: string;
  path: string | ((body: B) => string);
  form?: FormInstance;
  /** Form field path for an API field name, when they differ (e.g. `newDueAt` → `['newDueAt']`). */
  fieldName?: (apiField: string) => (string | number)[] | null;
  /** Queries made stale by success. */
  invalidate?: QueryKey[];
  onSuccess?: (result: R, body: B) => void;
}

function toPath(field: string): (string | number)[] {
  return field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** Every field path registered in the form (nested values flattened), to know which errors a field can show. */
function registeredPaths(form: FormInstance): Set<string> {
  const out = new Set<string>();
  const walk = (value: unknown, prefix: string) => {
    if (prefix) out.add(prefix);
    if (value && typeof value === 'object' && !Array.isArray(value) && !(value as { $d?: unknown }).$d) {
      for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k);
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, prefix ? `${prefix}.${i}` : String(i)));
  };
  walk(form.getFieldsValue(), '');
  return out;
}

export function useApiForm<B, R = unknown>(options: ApiFormOptions<B, R>) {
  const { i18n } = useTranslation();
  const queryClient = useQueryClient();
  const last = useRef<{ key: string; body: string } | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  const mutation = useMutation<R, unknown, B>({
    mutationFn: (body) => {
      const json = JSON.stringify(body);
      if (!last.current || last.current.body !== json) last.current = { key: newKey(), body: json };
      const path = typeof options.path === 'function' ? options.path(body) : options.path;
      return api<R>(options.method ?? 'POST', path, { body, idempotencyKey: last.current.key });
    },
    onMutate: () => setFormError(null),
    onSuccess: async (result, body) => {
      last.current = null;
      for (const key of options.invalidate ?? []) await queryClient.invalidateQueries({ queryKey: key });
      options.onSuccess?.(result, body);
    },
    onError: (error) => {
      const lang = i18n.language;
      if (!(error instanceof ApiError)) {
        setFormError(String((error as Error)?.message ?? error));
        return;
      }
      const fields = error.fieldErrors(lang);
      const known = options.form ? registeredPaths(options.form) : new Set<string>();
      const shown: string[] = [];
      const onFields: { name: (string | number)[]; errors: string[] }[] = [];
      for (const [field, message] of Object.entries(fields)) {
        const path = options.fieldName?.(field) ?? toPath(field);
        if (options.form && known.has(path.join('.'))) {
          onFields.push({ name: path, errors: [message] });
          shown.push(field);
        }
      }
      if (onFields.length) options.form?.setFields(onFields);
      const unshown = Object.keys(fields).filter((f) => !shown.includes(f));
      if (onFields.length === 0 || unshown.length > 0) {
        const extra = unshown.length && onFields.length ? unshown.map((f) => `${f}: ${fields[f]}`).join('; ') : null;
        setFormError(error.status === 0 ? i18n.t('common:networkError') : (extra ?? error.localized(lang)));
      }
    },
  });

  return {
    submit: (body: B) => mutation.mutateAsync(body).catch(() => undefined),
    pending: mutation.isPending,
    formError,
    clearError: () => setFormError(null),
    mutation,
  };
}
