import { useEffect, useState } from 'react';
import { initialLang, messages, type Lang } from './i18n';

type Health = { status: string; temporal: string; database: string; redis: string };

/** The shell: header, language toggle and the platform's health. Pages arrive with their issues. */
export function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const [health, setHealth] = useState<Health | null>(null);
  const t = messages[lang];

  useEffect(() => {
    fetch('/api/health')
      .then((r) => r.json() as Promise<Health>)
      .then(setHealth)
      .catch(() => setHealth(null));
  }, []);

  const toggle = () => {
    const next = lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem('lang', next);
    setLang(next);
  };

  return (
    <div className="shell">
      <header>
        <h1>{t.title}</h1>
        <p>{t.subtitle}</p>
        <button onClick={toggle}>{t.language}</button>
      </header>
      <main>
        <section aria-label={t.platform}>
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
      </main>
    </div>
  );
}
