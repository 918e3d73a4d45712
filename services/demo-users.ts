// Demo accounts for the embedded mode: one clerk, staff for every department of the catalog, a manager and
// an admin, each with an API token and a password for /login. Plain tokens and passwords exist only in
// $DATA_DIR/demo-credentials.json (the database keeps hashes), so a restart reuses them and scripts (and
// the browser tests) can read them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/client.ts';
import { hashPassword, readablePassword, verifyPassword } from '../db/passwords.ts';
import {
  createUser,
  credentialsOf,
  findUserByName,
  issueToken,
  type Role,
  setPasswordHash,
  userByToken,
} from '../db/users.ts';
import { DEPARTMENTS } from '../processes/departments.ts';

export interface DemoCredential {
  user: string;
  role: Role;
  department?: string;
  token: string;
  password: string;
}

const DEMO: { user: string; displayName: string; role: Role; department?: string; lead?: boolean }[] = [
  { user: 'clerk', displayName: '综合窗口 Window clerk', role: 'clerk' },
  ...Object.values(DEPARTMENTS).flatMap((d) => [
    {
      user: d.code.toLowerCase(),
      displayName: `${d.name} staff`,
      role: 'department' as const,
      department: d.code,
    },
    // The department's lead (科室负责人): assigns its tasks to colleagues.
    {
      user: `${d.code.toLowerCase()}-lead`,
      displayName: `${d.name} lead`,
      role: 'department' as const,
      department: d.code,
      lead: true,
    },
  ]),
  { user: 'manager', displayName: '督办 Supervising manager', role: 'manager' },
  { user: 'admin', displayName: 'Administrator', role: 'admin' },
];

export async function ensureDemoUsers(db: Db, dataDir: string): Promise<DemoCredential[]> {
  const file = join(dataDir, 'demo-credentials.json');
  const saved: DemoCredential[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
  // In parallel: each password hash is ~50 ms of scrypt, which runs on libuv's thread pool.
  const credentials = await Promise.all(
    DEMO.map(async (demo): Promise<DemoCredential> => {
      const user =
        (await findUserByName(db, demo.user)) ?? (await createUser(db, { username: demo.user, ...demo }));
      const previous = saved.find((c) => c.user === demo.user);
      const valid = previous && (await userByToken(db, previous.token))?.id === user.id;
      const token = valid ? previous.token : await issueToken(db, user.id, 'demo');
      return {
        user: demo.user,
        role: demo.role,
        ...(demo.department ? { department: demo.department } : {}),
        token,
        password: await ensurePassword(db, demo.user, user.id, previous?.password),
      };
    }),
  );
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  return credentials;
}

/** The saved password if it still signs the user in, else a new one (set as the user's password). */
async function ensurePassword(db: Db, username: string, userId: string, saved?: string): Promise<string> {
  const stored = (await credentialsOf(db, username))?.passwordHash;
  if (saved && stored && (await verifyPassword(saved, stored))) return saved;
  const password = saved && !stored ? saved : readablePassword();
  await setPasswordHash(db, userId, await hashPassword(password));
  return password;
}
