import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';

type Health = { status: string; temporal: string; database: string; redis: string };

/** Each platform part's health, from GET /api/health (503 still carries the body). */
export function PlatformHealth() {
  const { t } = useI18n();
  const [health, setHealth] = useState<Health | null>(null);

  useEffect(() => {
    fetch('/api/health')
      .then((r) => r.json() as Promise<Health>)
      .then(setHealth)
      .catch(() => setHealth(null));
  }, []);

  return (
    <section className="health" aria-label={t.platform}>
      <h2>{t.platform}</h2>
      {health === null ? (
        <p>{t.checking}</p>
      ) : (
        <ul>
          {(['temporal', 'database', 'redis'] as const).map((part) => (
            <li key={part} data-part={part} className={health[part] === 'ok' ? 'ok' : 'down'}>
              {t.parts[part]}: {health[part] === 'ok' ? t.ok : health[part]}
            </li>
          ))}
        </ul>
      )}
      <a href="/docs">{t.docs}</a>
    </section>
  );
}
