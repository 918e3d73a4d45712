// The manager's area (督办), loaded only for managers and admins.
import { Route, Routes } from 'react-router';
import FollowUps from '../staff/components/FollowUps.tsx';
import CaseSearch from './CaseSearch.tsx';
import CaseView from './CaseView.tsx';
import Dashboard from './Dashboard.tsx';

export default function ManagerArea() {
  return (
    <Routes>
      <Route index element={<Dashboard />} />
      <Route path="cases" element={<CaseSearch />} />
      <Route path="cases/:id" element={<CaseView />} />
      <Route path="follow-ups" element={<FollowUps />} />
    </Routes>
  );
}
