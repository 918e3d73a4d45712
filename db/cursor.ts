// Opaque keyset cursors: the sort key and id of the last row of a page, base64url JSON. A cursor is not a
// secret; a forged one only moves the page's starting point. Malformed ones are refused by the caller.
export interface Cursor {
  /** The sort key of the last row shown (ISO instant or text), null when the row had none. */
  key: string | null;
  /** Tie-breakers after the key: the row's id (and more for steps). */
  ids: string[];
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.key, ...cursor.ids])).toString('base64url');
}

/** The cursor, or undefined when the text is not one of ours (of `idCount` tie-breakers). */
export function decodeCursor(text: string, idCount: number): Cursor | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== idCount + 1) return undefined;
    const [key, ...ids] = parsed;
    if (key !== null && typeof key !== 'string') return undefined;
    if (!ids.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 200)) return undefined;
    return { key, ids };
  } catch {
    return undefined;
  }
}
