/**
 * The other departments sharing an item, as a department sees them: name, part, status and light,
 * to coordinate. Their reports, outcomes, fields and evidence are not the reader's (the API leaves
 * them out), so the card says so instead of showing empty fields.
 */
import { Card, Flex, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useDepartmentName } from '../../api/queries';
import type { SharedTask } from '../../api/types';
import { LightBadge } from '../../components/LightBadge';
import { TaskStatusTag } from '../../components/StatusTag';

export function SharedDepartments({ shared }: { shared: SharedTask[] }) {
  const { t } = useTranslation('item');
  const deptName = useDepartmentName();
  if (shared.length === 0) return null;
  return (
    <Card size="small" title={t('sharedWith')} className="section shared-departments" data-testid="shared-departments">
      <List
        size="small"
        dataSource={shared}
        renderItem={(x) => (
          <List.Item key={x.taskId} data-department-id={x.departmentId} extra={<LightBadge light={x.light} short />}>
            <Flex vertical gap={2}>
              <Space size={[8, 4]} wrap>
                <Typography.Text strong className="wrap-anywhere">
                  {deptName(x.departmentId)}
                </Typography.Text>
                <Tag>{t(`common:taskRole.${x.role}`)}</Tag>
                <TaskStatusTag status={x.status} />
              </Space>
              <Typography.Text type="secondary">{t('notVisibleToDepartment')}</Typography.Text>
            </Flex>
          </List.Item>
        )}
      />
    </Card>
  );
}
