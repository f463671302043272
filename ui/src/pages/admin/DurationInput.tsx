/** An ISO-8601 duration edited as an amount and a unit ("3 days"), for antd Form.Item. */
import { InputNumber, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { fromIsoDuration, toIsoDuration, type DurationUnit } from '../../lib/format';

const UNITS: DurationUnit[] = ['D', 'H', 'M', 'S'];

export function DurationInput({ value, onChange, id, 'aria-label': label }: { value?: string | null; onChange?: (v: string | null) => void; id?: string; 'aria-label'?: string }) {
  const { t } = useTranslation('admin');
  const parsed = fromIsoDuration(value) ?? { amount: null as number | null, unit: 'D' as DurationUnit };
  const emit = (amount: number | null, unit: DurationUnit) => onChange?.(amount && amount > 0 ? toIsoDuration(amount, unit) : null);
  return (
    <Space.Compact className="duration-input" block>
      <InputNumber id={id} aria-label={label} min={1} precision={0} value={parsed.amount} onChange={(n) => emit(n, parsed.unit)} style={{ flex: 1, minWidth: 64 }} />
      <Select<DurationUnit>
        aria-label={label ? `${label} · ${t('durationUnit')}` : t('durationUnit')}
        value={parsed.unit}
        onChange={(u) => emit(parsed.amount, u)}
        options={UNITS.map((u) => ({ value: u, label: t(`common:units.${u}`) }))}
        style={{ width: 88 }}
      />
    </Space.Compact>
  );
}
