// Bootstraps the first administrator of a deployment (DATABASE_URL, or the embedded PGlite in DATA_DIR):
//   npm run create-admin -- <username>
// Prints a token once; further users and tokens are made through the API (/api/users).
import { loadConfig } from '../config.ts';
import { createUser, findUserByName, issueToken } from '../db/users.ts';
import { openConfiguredDatabase } from '../services/system.ts';

const username = process.argv[2];
if (!username || !/^[a-z0-9][a-z0-9._-]{1,63}$/.test(username)) {
  console.error('usage: npm run create-admin -- <username>   (lower-case letters, digits, . _ -)');
  process.exit(2);
}
const database = await openConfiguredDatabase(loadConfig());
try {
  const user =
    (await findUserByName(database.db, username)) ??
    (await createUser(database.db, { username, displayName: username, role: 'admin' }));
  if (user.role !== 'admin') throw new Error(`${username} exists and is not an admin`);
  console.log(
    `Token for ${username} (shown once): ${await issueToken(database.db, user.id, 'create-admin')}`,
  );
} finally {
  await database.close();
}
