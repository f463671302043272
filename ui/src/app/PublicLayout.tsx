/** The frame of pages without sign-in (sign-in, forced password change, the public disclosure page). */
import { GlobalOutlined } from '@ant-design/icons';
import { Button, Layout } from 'antd';
import { Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { currentLang, setLang } from './i18n';
import { FullPageSpin } from '../components/FullPageSpin';

export function PublicLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation('shell');
  const lang = currentLang();
  return (
    <Layout className="public-layout">
      <Layout.Header className="shell-header public-header">
        <Link to="/" className="brand">
          <span className="brand-mark">督</span>
          <span className="brand-name">{t('common:appName')}</span>
        </Link>
        <div className="header-spacer" />
        <Button type="text" icon={<GlobalOutlined />} onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} aria-label={`${t('language')} · ${t('languageLabel')}`} className="tap lang-switch">
          {t('language')}
        </Button>
      </Layout.Header>
      <Layout.Content className="public-content">
        <Suspense fallback={<FullPageSpin />}>{children}</Suspense>
      </Layout.Content>
    </Layout>
  );
}
