import 'antd/dist/reset.css';
import '../shared/base.css';
import './staff.css';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { setupI18n } from '../shared/i18n.ts';
import { App } from './App.tsx';
import { resources } from './i18n/resources.ts';

const i18n = setupI18n(resources);
dayjs.locale(i18n.language === 'zh' ? 'zh-cn' : 'en');
i18n.on('languageChanged', (lng) => dayjs.locale(lng === 'zh' ? 'zh-cn' : 'en'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not improve by asking again.
      retry: (count, error) => count < 2 && !('status' in error && Number(error.status) < 500),
      refetchOnWindowFocus: false,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
