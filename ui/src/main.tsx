import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApiError } from './api/client';
import { i18nReady } from './app/i18n';
import { App } from './app/App';
import './app.css';
// WCAG AA text contrast for antd's secondary texts and tag colours, on every page (not only the roles that happened to import it).
import './pages/contrast.css';
import { keepScrollRegionsFocusable } from './lib/keyboard-scroll';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // A refusal (4xx) does not get better by asking again; a network hiccup might.
      retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: true,
    },
  },
});

keepScrollRegionsFocusable();

// The first language's words load as their own chunk; render once they are in.
void i18nReady.finally(() => createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
));
