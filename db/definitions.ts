// Published process definitions. A published (id, version) never changes, so reads of a known version are
// served from memory; "latest" is cached for a few seconds, so another process's publication shows soon.
import { and, desc, eq, sql } from 'drizzle-orm';
import { canonicalJson } from '../process/canonical-json.ts';
import type { ProcessDefinition } from '../process/definition.ts';
import type { Db } from './client.ts';
import { processDefinitions } from './schema.ts';

/** How long a process's latest version is trusted before asking the database again. */
const LATEST_TTL_MS = 5_000;

export class DefinitionStore {
  private readonly versions = new Map<string, ProcessDefinition>();
  private readonly latestCache = new Map<
    string,
    { definition: ProcessDefinition | undefined; until: number }
  >();

  constructor(private readonly db: Db) {}

  /**
   * Publishes a definition version. Publishing the same content again is a no-op; different content under
   * an existing version is refused, since running cases and the audit trail refer to that version.
   */
  async publish(definition: ProcessDefinition): Promise<'published' | 'unchanged'> {
    const inserted = await this.db
      .insert(processDefinitions)
      .values({ processId: definition.id, version: definition.version, title: definition.title, definition })
      .onConflictDoNothing()
      .returning({ version: processDefinitions.version });
    if (inserted.length > 0) {
      this.latestCache.delete(definition.id);
      return 'published';
    }
    const existing = await this.get(definition.id, definition.version);
    if (existing && canonicalJson(existing) !== canonicalJson(definition)) {
      throw new Error(
        `Process ${definition.id} version ${definition.version} is already published with other content; ` +
          'publish the change as a new version.',
      );
    }
    return 'unchanged';
  }

  async get(id: string, version: number): Promise<ProcessDefinition | undefined> {
    const key = `${id}@${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    const [row] = await this.db
      .select({ definition: processDefinitions.definition })
      .from(processDefinitions)
      .where(and(eq(processDefinitions.processId, id), eq(processDefinitions.version, version)));
    if (row) this.versions.set(key, row.definition);
    return row?.definition;
  }

  /** The newest version; one published by another process is seen within LATEST_TTL_MS. */
  async latest(id: string): Promise<ProcessDefinition | undefined> {
    const hit = this.latestCache.get(id);
    if (hit && hit.until > Date.now()) return hit.definition;
    const [row] = await this.db
      .select({ definition: processDefinitions.definition })
      .from(processDefinitions)
      .where(eq(processDefinitions.processId, id))
      .orderBy(desc(processDefinitions.version))
      .limit(1);
    if (this.latestCache.size > 1000) this.latestCache.clear();
    this.latestCache.set(id, { definition: row?.definition, until: Date.now() + LATEST_TTL_MS });
    return row?.definition;
  }

  /** The latest version of every process. */
  async list(): Promise<ProcessDefinition[]> {
    const rows = await this.db
      .selectDistinctOn([processDefinitions.processId], { definition: processDefinitions.definition })
      .from(processDefinitions)
      .orderBy(processDefinitions.processId, desc(processDefinitions.version));
    return rows.map((r) => r.definition);
  }

  async versionsOf(id: string): Promise<number[]> {
    const rows = await this.db
      .select({ version: processDefinitions.version })
      .from(processDefinitions)
      .where(eq(processDefinitions.processId, id))
      .orderBy(sql`${processDefinitions.version}`);
    return rows.map((r) => r.version);
  }
}
