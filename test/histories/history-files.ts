// A history file: Temporal's history as plain JSON (64-bit numbers and enums as strings, bytes in
// base64), written and read with @temporalio/proto's own classes. (The SDK's historyToJSON /
// historyFromJSON go through @temporalio/common's copy of protobufjs, which in this install differs from
// the one @temporalio/proto was built with, and refuses its types.)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import proto from '@temporalio/proto';

const { History } = proto.temporal.api.history.v1;
export type History = proto.temporal.api.history.v1.History;

export const HISTORIES_DIR = new URL('./', import.meta.url);

/**
 * Writes one history. RECORD_AS names the release that recorded it (a suffix), so that a new recording
 * joins the old ones instead of replacing them: running cases of every earlier release must replay.
 */
export function writeHistory(name: string, history: unknown): void {
  const suffix = process.env.RECORD_AS ? `.${process.env.RECORD_AS}` : '';
  const json = History.toObject(History.fromObject(history as object), {
    longs: String,
    enums: String,
    bytes: String,
  });
  writeFileSync(new URL(`${name}${suffix}.json`, HISTORIES_DIR), `${JSON.stringify(json, null, 1)}\n`);
}

/** Every recorded history: its name (the file's, used as the workflow id in replay) and the history. */
export function readHistories(): { name: string; history: History }[] {
  return readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({
      name: f.slice(0, -'.json'.length),
      history: History.fromObject(JSON.parse(readFileSync(new URL(f, HISTORIES_DIR), 'utf8'))),
    }));
}
