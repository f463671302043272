/** The administrator's start: every setting page, the queue board (Bull Board, admins only) and failed read-model writes. */
import './admin.css';
import { AlertOutlined, ApartmentOutlined, AuditOutlined, CalendarOutlined, FormOutlined, PercentageOutlined, TeamOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { Card, Col, Row, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PageContainer } from '../../components/PageContainer';
import { ProjectionFailuresCard } from './ProjectionFailuresCard';

export default function AdminOverviewPage() {
  const { t } = useTranslation('admin');
  const tile = (key: string, icon: ReactNode, to: string, external = false) => {
    const body = (
      <Card hoverable size="small" className="admin-tile">
        <Card.Meta avatar={<span className="admin-tile-icon">{icon}</span>} title={t(`overview.${key}.title`)} description={t(`overview.${key}.text`)} />
      </Card>
    );
    return (
      <Col xs={24} md={12} xl={8} key={key}>
        {external ? (
          <a href={to} target="_blank" rel="noreferrer" data-testid={`tile-${key}`}>
            {body}
          </a>
        ) : (
          <Link to={to} data-testid={`tile-${key}`}>
            {body}
          </Link>
        )}
      </Col>
    );
  };
  return (
    <PageContainer title={t('overview.title')}>
      <Row gutter={[16, 16]}>
        {tile('departments', <ApartmentOutlined />, '/admin/departments')}
        {tile('users', <TeamOutlined />, '/users')}
        {tile('templates', <FormOutlined />, '/admin/templates')}
        {tile('calendar', <CalendarOutlined />, '/calendar')}
        {tile('weights', <PercentageOutlined />, '/admin/weights')}
        {tile('intake', <AlertOutlined />, '/admin/intake')}
        {tile('auditLog', <AuditOutlined />, '/audit-log')}
        {tile('queues', <ThunderboltOutlined />, '/admin/queues', true)}
      </Row>
      <ProjectionFailuresCard />
      <Typography.Paragraph type="secondary" className="admin-note">
        {t('overview.note')}
      </Typography.Paragraph>
    </PageContainer>
  );
}
