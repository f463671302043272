import { Alert, Button, Flex, Skeleton, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { currentLang } from '../app/i18n';
import { StatusResult } from './StatusResult';

/** A page in Ant Design Pro's manner: a header (title, subtitle, actions) over the content. */
export function PageContainer({
  title,
  subTitle,
  extra,
  children,
  loading,
  error,
  onRetry,
}: {
  title: ReactNode;
  subTitle?: ReactNode;
  extra?: ReactNode;
  children?: ReactNode;
  loading?: boolean;
  error?: unknown;
  onRetry?: () => void;
}) {
  return (
    <div className="page-container">
      <Flex className="page-header" justify="space-between" align="center" wrap gap={8}>
        <div className="page-heading">
          <Typography.Title level={1} className="page-title">
            {title}
          </Typography.Title>
          {subTitle && <div className="page-subtitle">{subTitle}</div>}
        </div>
        {extra && (
          <Flex gap={8} wrap>
            {extra}
          </Flex>
        )}
      </Flex>
      {error ? <ErrorAlert error={error} onRetry={onRetry} /> : loading ? <Skeleton active /> : children}
    </div>
  );
}

/** A failed request's words in the user's language. */
export function errorText(error: unknown, t: (k: string) => string): string {
  if (error instanceof ApiError) return error.status === 0 ? t('common:networkError') : error.localized(currentLang());
  return String((error as Error)?.message ?? error);
}

export function ErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  if (!error) return null;
  if (error instanceof ApiError && error.status === 404) return <StatusResult status="404" subTitle={t('notFound')} />;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={errorText(error, t)}
      action={
        onRetry && (
          <Button size="small" onClick={onRetry}>
            {t('retry')}
          </Button>
        )
      }
    />
  );
}

/** The form-level error of a submission (field errors stand at their fields). */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return <Alert type="error" showIcon role="alert" title={message} className="form-error" />;
}
