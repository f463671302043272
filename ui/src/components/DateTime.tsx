import { Tooltip } from 'antd';
import { currentLang } from '../app/i18n';
import { formatDate, formatDateTime, formatFull } from '../lib/format';
import { useTranslation } from 'react-i18next';

/** An instant in the user's time zone; the full form (with zone) on hover. */
export function DateTime({ iso, dateOnly = false }: { iso: string | null | undefined; dateOnly?: boolean }) {
  useTranslation(); // re-render on a language switch
  const lang = currentLang();
  if (!iso) return <span>—</span>;
  return (
    <Tooltip title={formatFull(iso, lang)}>
      <time dateTime={iso}>{dateOnly ? formatDate(iso, lang) : formatDateTime(iso, lang)}</time>
    </Tooltip>
  );
}
