/** An ISO-8601 duration edited as an amount and a unit ("2 days"), e.g. for warning and sign-in windows. */
import { InputNumber, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { fromIsoDuration, toIsoDuration, type DurationUnit } from '../lib/format';

const UNITS: DurationUnit[] = ['D', 'H', 'M', 'S'];

export function DurationInput({
  value,
  onChange,
  id,
  allowEmpty = false,
  ...rest
}: {
  value?: string | null;
  onChange?: (v: string | null) => void;
  id?: string;
  allowEmpty?: boolean;
  'aria-label'?: string;
}) {
  const { t } = useTranslation();
  const parsed = fromIsoDuration(value) ?? { amount: null as number | null, unit: 'D' as DurationUnit };
  const set = (amount: number | null, unit: DurationUnit) =>
    onChange?.(amount && amount > 0 ? toIsoDuration(amount, unit) : allowEmpty ? null : (value ?? null));
  return (
    <Space.Compact>
      <InputNumber
        id={id}
        min={1}
        max={100000}
        value={parsed.amount}
        onChange={(n) => set(typeof n === 'number' ? n : null, parsed.unit)}
        aria-label={rest['aria-label']}
        style={{ width: 110 }}
      />
      <Select
        value={parsed.unit}
        onChange={(u) => set(parsed.amount, u)}
        options={UNITS.map((u) => ({ value: u, label: t(`units.${u}`) }))}
        style={{ width: 100 }}
        aria-label={t('units.D')}
      />
    </Space.Compact>
  );
}

export function durationText(iso: string | null | undefined, t: (k: string) => string): string {
  const d = fromIsoDuration(iso);
  return d ? `${d.amount} ${t(`common:units.${d.unit}`)}` : '—';
}
