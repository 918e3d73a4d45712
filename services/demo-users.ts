// Demo accounts for the embedded mode: one clerk, staff for every department of the catalog, a manager and
// an admin. Plain tokens exist only in $DATA_DIR/demo-credentials.json (the database keeps hashes), so a
// restart reuses them and scripts can read them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/client.ts';
import { createUser, findUserByName, issueToken, type Role, userByToken } from '../db/users.ts';
import { DEPARTMENTS } from '../processes/departments.ts';

export interface DemoCredential {
  user: string;
  role: Role;
  department?: string;
  token: string;
}

const DEMO: { user: string; displayName: string; role: Role; department?: string }[] = [
  { user: 'clerk', displayName: '综合窗口 Window clerk', role: 'clerk' },
  ...Object.values(DEPARTMENTS).map((d) => ({
    user: d.code.toLowerCase(),
    displayName: `${d.name} staff`,
    role: 'department' as const,
    department: d.code,
  })),
  { user: 'manager', displayName: '督办 Supervising manager', role: 'manager' },
  { user: 'admin', displayName: 'Administrator', role: 'admin' },
];

export async function ensureDemoUsers(db: Db, dataDir: string): Promise<DemoCredential[]> {
  const file = join(dataDir, 'demo-credentials.json');
  const saved: DemoCredential[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
  const credentials: DemoCredential[] = [];
  for (const demo of DEMO) {
    const user =
      (await findUserByName(db, demo.user)) ?? (await createUser(db, { username: demo.user, ...demo }));
    const previous = saved.find((c) => c.user === demo.user);
    const valid = previous && (await userByToken(db, previous.token))?.id === user.id;
    const token = valid ? previous.token : await issueToken(db, user.id, 'demo');
    credentials.push({
      user: demo.user,
      role: demo.role,
      ...(demo.department ? { department: demo.department } : {}),
      token,
    });
  }
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}
