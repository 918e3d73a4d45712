// The configuration: one schema, every default in one place, every bad variable named at once.
import { describe, expect, it } from 'vitest';
import { DEFAULTS, distributedApiProblems, loadConfig } from '../config.ts';

describe('loadConfig', () => {
  it('gives the embedded defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(DEFAULTS.port);
    expect(config.taskQueue).toBe('cases');
    expect(config.warning).toEqual({ fraction: 0.2 });
    expect(config.materialsDir.endsWith('/data/materials')).toBe(true);
    expect(config.demoSimulator).toBe(true);
    expect(config.withWorker).toBe(false);
    expect(config.databaseUrl).toBeUndefined();
  });

  it('reads and coerces the environment; empty values count as unset', () => {
    const config = loadConfig({
      PORT: '3100',
      WARNING_WORKING_DAYS: '2',
      DATABASE_URL: '',
      WITH_WORKER: '1',
    });
    expect(config.port).toBe(3100);
    expect(config.warning).toEqual({ workingDays: 2 });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.withWorker).toBe(true);
  });

  it('names every invalid variable at once', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'abc', WARNING_FRACTION: '2', LOG_LEVEL: 'loud' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid configuration/);
    for (const name of ['PORT', 'WARNING_FRACTION', 'LOG_LEVEL']) expect(message).toContain(name);
  });

  it('names what a distributed API process lacks: Temporal, Postgres, the shared applicant hash key', () => {
    expect(distributedApiProblems(loadConfig({})).map((p) => p.split(' ')[0])).toEqual([
      'TEMPORAL_ADDRESS',
      'DATABASE_URL',
      'APPLICANT_HASH_KEY',
    ]);
    const distributed = {
      TEMPORAL_ADDRESS: 'temporal:7233',
      DATABASE_URL: 'postgres://yjs:yjs@postgres:5432/yjs',
      PAYLOAD_KEYS: `k1:${'A'.repeat(43)}=`,
    };
    expect(distributedApiProblems(loadConfig(distributed))).toEqual([
      expect.stringMatching(/^APPLICANT_HASH_KEY is required/),
    ]);
    expect(
      distributedApiProblems(loadConfig({ ...distributed, APPLICANT_HASH_KEY: 'k'.repeat(32) })),
    ).toEqual([]);
  });

  it('reads CORS_ORIGINS as a list of origins; unset means CORS off', () => {
    expect(loadConfig({}).corsOrigins).toBeUndefined();
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example/, https://b.example:8443' }).corsOrigins).toEqual([
      'https://a.example',
      'https://b.example:8443',
    ]);
  });
});
