// Fabricates plausible outputs for a simulated approval, so a case can run end to end without a person:
// strings that match the definition's pattern (e.g. the unified social credit code), real calendar
// dates, numbers. Patterns are generated from a small regular-expression subset (literals, escapes,
// classes, groups, alternation, quantifiers); anything else is refused rather than guessed, and every
// value is checked against the real RegExp exactly as the engine checks it.
import type { ExpectedOutput, OutputValue } from '../departments/protocol.ts';

type Random = () => number;
type Range = [number, number];
type Node =
  | { t: 'set'; ranges: Range[] }
  | { t: 'alt'; branches: Node[][] }
  | { t: 'rep'; node: Node; min: number; max: number };

/** Printable ASCII: what negated classes and `.` draw from, so values stay readable in tests. */
const PRINTABLE: Range = [0x20, 0x7e];
const DIGIT: Range[] = [[0x30, 0x39]];
const WORD: Range[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
const SPACE: Range[] = [[0x20, 0x20]];
const ALNUM: Range[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x61, 0x7a],
];
/** How far past the minimum an open quantifier (*, +, {n,}) may go. */
const OPEN_EXTRA = 3;

export class UnsupportedPattern extends Error {}

function complement(ranges: Range[]): Range[] {
  const out: Range[] = [];
  for (let c = PRINTABLE[0]; c <= PRINTABLE[1]; c++) {
    if (!ranges.some(([lo, hi]) => c >= lo && c <= hi)) out.push([c, c]);
  }
  return out;
}

class Parser {
  readonly #chars: string[];
  #i = 0;

  constructor(pattern: string) {
    this.#chars = Array.from(pattern); // code points, so CJK literals stay whole
  }

  parse(): Node {
    const node = this.#alt();
    if (this.#i < this.#chars.length) this.#fail(`unexpected '${this.#chars[this.#i]}'`);
    return node;
  }

  #fail(why: string): never {
    throw new UnsupportedPattern(`cannot generate from pattern at ${this.#i}: ${why}`);
  }

  #peek(): string | undefined {
    return this.#chars[this.#i];
  }

  #next(): string {
    const c = this.#chars[this.#i++];
    if (c === undefined) this.#fail('unexpected end');
    return c;
  }

  #alt(): Node {
    const branches: Node[][] = [this.#seq()];
    while (this.#peek() === '|') {
      this.#i++;
      branches.push(this.#seq());
    }
    return { t: 'alt', branches };
  }

  #seq(): Node[] {
    const seq: Node[] = [];
    for (let c = this.#peek(); c !== undefined && c !== '|' && c !== ')'; c = this.#peek()) {
      if (c === '^' || c === '$') {
        this.#i++; // anchors: the value is generated whole anyway
        continue;
      }
      seq.push(this.#quantified(this.#atom()));
    }
    return seq;
  }

  #atom(): Node {
    const c = this.#next();
    if (c === '(') {
      if (this.#peek() === '?') {
        this.#i++;
        if (this.#next() !== ':') this.#fail('only (?:...) groups are supported');
      }
      const inner = this.#alt();
      if (this.#next() !== ')') this.#fail('unclosed group');
      return inner;
    }
    if (c === '[') return this.#charClass();
    if (c === '\\') return { t: 'set', ranges: this.#escape(false) };
    if (c === '.') return { t: 'set', ranges: ALNUM };
    if ('*+?{'.includes(c)) this.#fail(`nothing to repeat before '${c}'`);
    const code = c.codePointAt(0)!;
    return { t: 'set', ranges: [[code, code]] };
  }

  #escape(inClass: boolean): Range[] {
    const c = this.#next();
    switch (c) {
      case 'd':
        return DIGIT;
      case 'w':
        return WORD;
      case 's':
        return SPACE;
      case 'D':
        return complement(DIGIT);
      case 'W':
        return complement(WORD);
      case 'S':
        return complement(SPACE);
      case 't':
        return [[9, 9]];
      case 'n':
        return [[10, 10]];
      case 'b':
        if (!inClass) this.#fail('word boundaries are not supported');
        return [[8, 8]]; // backspace, inside a class
      case 'u':
      case 'x': {
        const hex = Array.from({ length: c === 'u' ? 4 : 2 }, () => this.#next()).join('');
        if (!/^[0-9a-fA-F]+$/.test(hex)) this.#fail(`bad \\${c} escape`);
        const code = Number.parseInt(hex, 16);
        return [[code, code]];
      }
      default:
        // Back-references, \B, \p{...} and the like are outside the subset: refuse rather than guess.
        if (/[0-9a-zA-Z]/.test(c)) this.#fail(`unsupported escape \\${c}`);
        return [[c.codePointAt(0)!, c.codePointAt(0)!]];
    }
  }

  #charClass(): Node {
    const negated = this.#peek() === '^';
    if (negated) this.#i++;
    const ranges: Range[] = [];
    for (;;) {
      const c = this.#next();
      if (c === ']') break; // as in JavaScript, even first: [] matches nothing, [^] anything
      const first = this.#classAtom(c);
      const lo = single(first);
      // A range a-z; a '-' last, or after a class escape such as \d, is a literal.
      if (lo === undefined || this.#peek() !== '-' || this.#chars[this.#i + 1] === ']') {
        ranges.push(...first);
        continue;
      }
      this.#i++;
      const hi = single(this.#classAtom(this.#next()));
      if (hi === undefined || hi < lo) this.#fail('bad range in class');
      ranges.push([lo, hi]);
    }
    const set = negated ? complement(ranges) : ranges;
    if (set.length === 0) this.#fail('empty character class');
    return { t: 'set', ranges: set };
  }

  #classAtom(c: string): Range[] {
    if (c === '\\') return this.#escape(true);
    const code = c.codePointAt(0)!;
    return [[code, code]];
  }

  #quantified(node: Node): Node {
    let min: number;
    let max: number;
    const c = this.#peek();
    if (c === '?') [min, max] = [0, 1];
    else if (c === '*') [min, max] = [0, OPEN_EXTRA];
    else if (c === '+') [min, max] = [1, 1 + OPEN_EXTRA];
    else if (c === '{') {
      const rest = this.#chars.slice(this.#i).join('');
      const m = /^\{(\d+)(,(\d*))?\}/.exec(rest);
      if (!m) return node; // a literal '{', as in JavaScript without the u flag
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? min + OPEN_EXTRA : Number(m[3]);
      if (max < min) this.#fail('quantifier range out of order');
      this.#i += m[0].length - 1;
    } else return node;
    this.#i++;
    if (this.#peek() === '?') this.#i++; // lazy: same language
    return { t: 'rep', node, min, max };
  }
}

/** The code point of a one-character set, for class ranges. */
function single(ranges: Range[]): number | undefined {
  const [only, more] = ranges;
  return only && !more && only[0] === only[1] ? only[0] : undefined;
}

function pick(random: Random, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

function emit(node: Node, random: Random, out: string[]): void {
  switch (node.t) {
    case 'set': {
      const total = node.ranges.reduce((sum, [lo, hi]) => sum + hi - lo + 1, 0);
      let k = pick(random, total);
      for (const [lo, hi] of node.ranges) {
        if (k <= hi - lo) {
          out.push(String.fromCodePoint(lo + k));
          return;
        }
        k -= hi - lo + 1;
      }
      return;
    }
    case 'alt':
      for (const part of node.branches[pick(random, node.branches.length)]!) emit(part, random, out);
      return;
    case 'rep': {
      const times = node.min + pick(random, node.max - node.min + 1);
      for (let n = 0; n < times; n++) emit(node.node, random, out);
    }
  }
}

/** A string matching `pattern` in full; throws UnsupportedPattern outside the supported subset. */
export function generateFromPattern(pattern: string, random: Random = Math.random): string {
  const out: string[] = [];
  emit(new Parser(pattern).parse(), random, out);
  const value = out.join('');
  if (!new RegExp(`^(?:${pattern})$`).test(value)) {
    throw new UnsupportedPattern(`generated value does not match pattern ${pattern}`);
  }
  return value;
}

function fabricateString(random: Random): string {
  const out: string[] = [];
  emit({ t: 'rep', node: { t: 'set', ranges: ALNUM.slice(0, 2) }, min: 10, max: 10 }, random, out);
  return `SIM${out.join('')}`;
}

/** One plausible value per expected output (optional ones too: a real system fills what it has). */
export function fabricateOutputs(
  expected: readonly ExpectedOutput[],
  random: Random = Math.random,
  today: Date = new Date(),
): Record<string, OutputValue> {
  const outputs: Record<string, OutputValue> = {};
  for (const spec of expected) {
    switch (spec.type) {
      case 'string':
        outputs[spec.name] = spec.pattern
          ? generateFromPattern(spec.pattern, random)
          : fabricateString(random);
        break;
      case 'number':
        outputs[spec.name] = 1 + pick(random, 9999);
        break;
      case 'boolean':
        outputs[spec.name] = true;
        break;
      case 'date':
        outputs[spec.name] = today.toISOString().slice(0, 10);
        break;
    }
  }
  return outputs;
}
