// Department staff's area, loaded only for them.
import { Route, Routes } from 'react-router';
import FollowUps from '../staff/components/FollowUps.tsx';
import DepartmentIncidents from './DepartmentIncidents.tsx';
import TaskPage from './TaskPage.tsx';
import Worklist from './Worklist.tsx';

export default function DepartmentArea() {
  return (
    <Routes>
      <Route index element={<Worklist />} />
      <Route path="incidents" element={<DepartmentIncidents />} />
      <Route path="follow-ups" element={<FollowUps />} />
      <Route path=":caseId/:stepId" element={<TaskPage />} />
    </Routes>
  );
}
