/** An optional picker of a supervision matter (code · name); searching by either. */
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useMatterOptions } from './matters';

export function MatterSelect({ value, onChange, id }: { value?: string | null; onChange?: (value: string | undefined) => void; id?: string }) {
  const { t } = useTranslation('matters');
  const matters = useMatterOptions();
  return (
    <Select
      id={id}
      allowClear
      showSearch
      optionFilterProp="label"
      placeholder={t('pick')}
      loading={matters.isLoading}
      value={value ?? undefined}
      onChange={(v: string | undefined) => onChange?.(v)}
      options={(matters.data ?? []).map((m) => ({ value: m.id, label: `${m.code} · ${m.name}` }))}
    />
  );
}
