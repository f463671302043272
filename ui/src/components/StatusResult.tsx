/**
 * antd's Result for the rare full-page outcomes (403, 404). It carries its illustrations (~30 KB of
 * SVG), so it loads as its own chunk when one is shown instead of with every page.
 */
import type { ResultProps } from 'antd';
import { lazy, Suspense } from 'react';

const Result = lazy(() => import('antd/es/result'));

export function StatusResult(props: ResultProps) {
  return (
    <Suspense fallback={null}>
      <Result {...props} />
    </Suspense>
  );
}
