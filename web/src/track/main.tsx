// The applicant's page (办事群众): its own small entry, no Ant Design, no form engine, so a phone on
// mobile data loads it quickly (budget: 150 KB of gzipped JavaScript, checked by a test).
import '../shared/base.css';
import './track.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { setupI18n } from '../shared/i18n.ts';
import { resources } from './resources.ts';
import { TrackApp } from './TrackApp.tsx';

setupI18n(resources);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <TrackApp />
  </StrictMode>,
);
