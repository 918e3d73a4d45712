-- Every API process keeps the users of the tokens it has seen (db/token-cache.ts) and forgets them all when a
-- token or a user changes: the database says so on the channel yjs_credentials, after the change commits,
-- whoever made it (the API, a script, psql). One notification per statement: the listeners clear everything.
CREATE FUNCTION notify_credentials_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('yjs_credentials', '');
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER api_tokens_changed AFTER UPDATE OR DELETE OR TRUNCATE ON api_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION notify_credentials_changed();
--> statement-breakpoint
CREATE TRIGGER users_changed AFTER UPDATE OR DELETE OR TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION notify_credentials_changed();
