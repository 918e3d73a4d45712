-- The application's own role (DATABASE_URL of the API and the worker): the owner `yjs` migrates and grants it
-- what the engine needs at each start (db/roles.ts), so it can never change the audit trail or switch its
-- triggers off. Run once by the postgres image when it creates the database. Change the password.
CREATE ROLE yjs_app LOGIN PASSWORD 'yjs_app';
