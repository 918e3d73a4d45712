// The response serialiser's rewrite of TypeBox's "X or null" (api/nullable-serializer.ts): the same JSON as
// Fastify's own serialiser for values and nulls, without Ajv picking the branch.
import Fastify from 'fastify';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { nullableAsTypeLists, nullableSerializers } from '../api/nullable-serializer.ts';

const Instant = Type.String({ format: 'date-time' });
const Row = Type.Object({
  at: Type.Union([Instant, Type.Null()], { description: 'when' }),
  clock: Type.Union([Type.Object({ level: Type.String(), n: Type.Integer() }), Type.Null()]),
  tags: Type.Union([Type.Array(Type.String()), Type.Null()]),
  colour: Type.Union([Type.Literal('red'), Type.Literal('green'), Type.Null()]),
  id: Type.Union([Type.Literal('x'), Type.Null()]),
});

describe('nullable serialisation', () => {
  it('writes anyOf [X, null] of a plain type as a type list, and leaves the other unions', () => {
    const out = nullableAsTypeLists(JSON.parse(JSON.stringify(Row))) as {
      properties: Record<string, Record<string, unknown>>;
    };
    expect(out.properties.at).toEqual({ type: ['string', 'null'], format: 'date-time', description: 'when' });
    expect(out.properties.clock!.type).toEqual(['object', 'null']);
    expect(out.properties.tags!.type).toEqual(['array', 'null']);
    expect(out.properties.colour!.anyOf).toHaveLength(3);
    expect(out.properties.id!.anyOf).toHaveLength(2);
  });

  it('answers what the default serialiser answers', async () => {
    const rows = [
      { at: new Date(0), clock: { level: 'red', n: 2, extra: 1 }, tags: ['a'], colour: 'red', id: 'x' },
      { at: null, clock: null, tags: null, colour: null, id: null },
      { at: '2026-12-02T00:00:00.000Z', clock: { level: 'green', n: 0 }, tags: [], colour: 'green', id: 'x' },
    ];
    const bodies = [];
    for (const options of [
      {},
      { schemaController: { compilersFactory: { buildSerializer: nullableSerializers } } },
    ]) {
      const app = Fastify(options);
      app.get('/', { schema: { response: { 200: Type.Array(Row) } } }, async () => rows);
      bodies.push((await app.inject('/')).body);
      await app.close();
    }
    expect(bodies[1]).toBe(bodies[0]);
    expect(JSON.parse(bodies[1]!)[0].clock).toEqual({ level: 'red', n: 2 });
  });
});
