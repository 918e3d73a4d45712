// The clerk's area (综合窗口), loaded only for clerks. The intake form (rjsf, Ajv, JsonLogic) is its own
// chunk, fetched when the clerk picks a life event, so the catalog and queues open quickly.
import { lazy } from 'react';
import { Route, Routes } from 'react-router';
import Catalog from './Catalog.tsx';
import ClerkCase from './ClerkCase.tsx';
import ClerkCases from './ClerkCases.tsx';
import ReceiptPage from './ReceiptPage.tsx';
import SupplementQueue from './SupplementQueue.tsx';

const IntakePage = lazy(() => import('./IntakePage.tsx'));

export default function ClerkArea() {
  return (
    <Routes>
      <Route index element={<Catalog />} />
      <Route path="intake/:processId" element={<IntakePage />} />
      <Route path="supplements" element={<SupplementQueue />} />
      <Route path="cases" element={<ClerkCases />} />
      <Route path="cases/:id" element={<ClerkCase />} />
      <Route path="cases/:id/receipt" element={<ReceiptPage />} />
    </Routes>
  );
}
