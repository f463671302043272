import { PageContainer } from '../components/PageContainer';

export default function Page() {
  return <PageContainer title="NotificationSettings" />;
}
