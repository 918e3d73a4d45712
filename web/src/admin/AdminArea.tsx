// The administrator's area, loaded only for admins.
import { Route, Routes } from 'react-router';
import Calendars from './Calendars.tsx';
import Processes from './Processes.tsx';
import Users from './Users.tsx';

export default function AdminArea() {
  return (
    <Routes>
      <Route path="users" element={<Users />} />
      <Route path="processes" element={<Processes />} />
      <Route path="calendars" element={<Calendars />} />
    </Routes>
  );
}
