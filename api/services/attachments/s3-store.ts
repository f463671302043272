// Attachments on S3-compatible object storage (MinIO, Ceph, a cloud's OSS/COS/S3) through the minio
// client. S3_URL carries endpoint, credentials and bucket: https://ACCESS_KEY:SECRET@host[:port]/bucket.
import { Client } from 'minio';
import type { AttachmentStore } from './store';

export function createS3Store(url: string): AttachmentStore {
  const u = new URL(url);
  const bucket = u.pathname.split('/').filter(Boolean)[0]!;
  const useSSL = u.protocol === 'https:';
  const client = new Client({
    endPoint: u.hostname,
    port: u.port ? Number(u.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: decodeURIComponent(u.username),
    secretKey: decodeURIComponent(u.password),
    pathStyle: true,
  });
  return {
    kind: 's3',
    async put(key, bytes, contentType) {
      await client.putObject(bucket, key, bytes, bytes.length, { 'Content-Type': contentType });
    },
    get: (key) => client.getObject(bucket, key),
    async remove(key) {
      await client.removeObject(bucket, key);
    },
  };
}
