import { isMap, isSeq, parseDocument } from 'yaml';
import { MAX_DEPTH, shapeProblems } from './yaml-shape';

/**
 * Reads the plain block YAML most specs are written in straight into the value yaml's `toJS` gives,
 * or answers undefined. Ours because the yaml package composes a node per scalar and reads about
 * 3 MB/s, so a 50 MB spec (a million `vars`) spends 15 s in it; its lexer alone takes 2–3 s.
 *
 * The subset: block mappings and sequences (indentless and `- key:` forms included) indented with
 * spaces, plain keys, one-line plain, 'single' and "double" (JSON escapes) scalars resolved as yaml's
 * core schema does, one-line flow collections (handed to yaml itself) and comments. Anything else —
 * anchors, aliases, tags, block and multi-line scalars, directives, tabs, CR, duplicate keys, deep
 * nesting, or a line that would be an error — answers undefined and the spec goes through yaml. It
 * never refuses a spec: every refusal, with its line, comes from that path.
 * test/spec/plain-block-yaml.test.ts holds it to yaml on thousands of seeded documents.
 */
export function parsePlainBlockYaml(text: string): { value: unknown } | undefined {
  if (UNSUPPORTED_CHARACTERS.test(text)) return undefined;
  const reader = new BlockReader(text);
  try {
    const indent = reader.skipToContent();
    if (indent === undefined) return undefined;
    const value = reader.block(indent, 0);
    return reader.skipToContent() === undefined ? { value } : undefined;
  } catch (error) {
    if (error === OUTSIDE) return undefined;
    throw error;
  }
}

/** Thrown, preallocated, to leave the subset from any depth. */
const OUTSIDE = new Error('outside the plain block YAML subset');

/** Tabs, CR, other control characters, NEL, line/paragraph separators and BOM: yaml's rules for them are its own. */
// eslint-disable-next-line no-control-regex
const UNSUPPORTED_CHARACTERS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;
/** Keys yaml would read as null or a boolean, and the letters they start with. */
const NON_STRING_KEY = /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const MAYBE_NON_STRING = new Set(['n', 'N', 't', 'T', 'f', 'F']);
/** yaml's limit on an implicit key's length, with a margin. */
const MAX_KEY_LENGTH = 1000;
/** Below MAX_DEPTH, so that nothing this path accepts is too deep for the yaml path. */
const MAX_BLOCK_DEPTH = MAX_DEPTH - 16;
/** Characters that start something other than a plain scalar (anchor, alias, tag, block scalar, directive, reserved...). */
const INDICATORS = new Set(['&', '*', '!', '|', '>', '%', '@', '`', ',', '?', ':', '#', ']', '}']);

/** Reads the text in place, by offsets: a million line strings would be a million more objects to collect. */
class BlockReader {
  /** Offsets of the current line's start and end (its newline, or the text's end). */
  private lineStart = 0;
  private lineEnd = 0;
  /** Offset where the current line's content starts. */
  private start = 0;

  constructor(private readonly text: string) {}

  /** Moves to the next line with content and returns its indentation, or undefined at the end. */
  skipToContent(): number | undefined {
    const text = this.text;
    for (; this.lineStart <= text.length; this.lineStart = this.lineEnd + 1) {
      const newline = text.indexOf('\n', this.lineStart);
      this.lineEnd = newline === -1 ? text.length : newline;
      let at = this.lineStart;
      while (text.charCodeAt(at) === 32) at++;
      if (at < this.lineEnd && text[at] !== '#') {
        this.start = at;
        return at - this.lineStart;
      }
    }
    return undefined;
  }

  block(indent: number, depth: number): unknown {
    if (depth > MAX_BLOCK_DEPTH) throw OUTSIDE;
    return this.isItem(this.start) ? this.sequence(indent, depth) : this.mapping(indent, depth);
  }

  private nextLine(): void {
    this.lineStart = this.lineEnd + 1;
  }

  private mapping(indent: number, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (;;) {
      const end = this.keyEnd(this.start);
      if (end < 0) throw OUTSIDE;
      const key = this.text.slice(this.start, end);
      if (key === '__proto__' || (MAYBE_NON_STRING.has(key[0]!) && NON_STRING_KEY.test(key)) || Object.hasOwn(out, key)) throw OUTSIDE;
      out[key] = this.valueAfter(end + 1, indent, depth, true);
      const next = this.skipToContent();
      if (next === undefined || next < indent) return out;
      if (next > indent) throw OUTSIDE;
    }
  }

  private sequence(indent: number, depth: number): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      const dash = this.start;
      let at = dash + 1;
      while (this.text.charCodeAt(at) === 32) at++;
      if (at === this.lineEnd || this.text[at] === '#') {
        out.push(this.valueAfter(dash + 1, indent, depth, false));
      } else {
        if (this.isItem(at)) throw OUTSIDE;
        if (this.keyEnd(at) >= 0) {
          this.start = at;
          out.push(this.block(at - this.lineStart, depth + 1));
        } else {
          out.push(this.scalar(at, depth + 1));
          this.nextLine();
        }
      }
      const next = this.skipToContent();
      if (next === undefined || next < indent) return out;
      if (next > indent) throw OUTSIDE;
      // An indentless sequence ends where its mapping's next key starts.
      if (!this.isItem(this.start)) return out;
    }
  }

  /** The value after a key's `:` or an item's `-`: a scalar on the line, or a block below it. */
  private valueAfter(at: number, indent: number, depth: number, inMapping: boolean): unknown {
    while (this.text.charCodeAt(at) === 32) at++;
    if (at < this.lineEnd && this.text[at] !== '#') {
      const value = this.scalar(at, depth + 1);
      // A more indented line next would continue the scalar or be an error: the caller refuses it.
      this.nextLine();
      return value;
    }
    this.nextLine();
    const next = this.skipToContent();
    if (next !== undefined && next > indent) return this.block(next, depth + 1);
    if (inMapping && next === indent && this.isItem(this.start)) return this.sequence(indent, depth + 1);
    return null;
  }

  private scalar(at: number, depth: number): unknown {
    const text = this.text;
    const first = text[at]!;
    if (first === '"' || first === "'") return this.quoted(at);
    if (first === '[' || first === '{') return flow(text.slice(at, this.lineEnd), depth);
    if (INDICATORS.has(first) || (first === '-' && this.isItem(at))) throw OUTSIDE;
    // A comment starts at ` #`; searched by hand, within the line (indexOf would search the whole text).
    let end = at;
    while (end < this.lineEnd && !(text.charCodeAt(end) === 35 && text.charCodeAt(end - 1) === 32)) end++;
    // Spaces only: trimEnd() would also take a no-break space, which yaml keeps.
    while (text.charCodeAt(end - 1) === 32) end--;
    const plain = text.slice(at, end);
    if (plain.includes(': ') || plain.endsWith(':')) throw OUTSIDE;
    return resolvePlain(plain);
  }

  private isItem(at: number): boolean {
    return this.text[at] === '-' && (at + 1 === this.lineEnd || this.text[at + 1] === ' ');
  }

  /**
   * Where the plain key starting at `at` ends (at its `:`, followed by a space or the line's end),
   * or -1: keys are a letter or `_`, then letters, digits and `_./-`.
   */
  private keyEnd(at: number): number {
    const text = this.text;
    let code = text.charCodeAt(at);
    if (!(isLetter(code) || code === 95)) return -1;
    let end = at + 1;
    for (; end < this.lineEnd; end++) {
      code = text.charCodeAt(end);
      // _ . / -
      if (!(isLetter(code) || (code >= 48 && code <= 57) || code === 95 || code === 46 || code === 47 || code === 45)) break;
    }
    if (end === this.lineEnd || code !== 58 || end - at > MAX_KEY_LENGTH) return -1;
    return end + 1 === this.lineEnd || text.charCodeAt(end + 1) === 32 ? end : -1;
  }

  private quoted(at: number): string {
    const text = this.text;
    const quote = text[at]!;
    let end = at + 1;
    for (; end < this.lineEnd; end++) {
      if (quote === '"' && text[end] === '\\') end++;
      else if (text[end] === quote) {
        if (quote === "'" && text[end + 1] === "'") end++;
        else break;
      }
    }
    if (end >= this.lineEnd) throw OUTSIDE;
    let rest = end + 1;
    while (text.charCodeAt(rest) === 32) rest++;
    if (rest < this.lineEnd && !(text[rest] === '#' && rest > end + 1)) throw OUTSIDE;
    if (quote === "'") return text.slice(at + 1, end).replaceAll("''", "'");
    try {
      // JSON's escapes are a subset of YAML's with the same meanings; YAML-only ones (\x41, \e, \ ...) fall outside.
      return JSON.parse(text.slice(at, end + 1)) as string;
    } catch {
      throw OUTSIDE;
    }
  }
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** A one-line flow collection, read by yaml alone: its grammar is the larger one, and such values are few. */
function flow(source: string, depth: number): unknown {
  // An alias could name an anchor outside the line, an anchor be named after it.
  if (/[&*]/.test(source)) throw OUTSIDE;
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(source, { prettyErrors: false, uniqueKeys: false });
  } catch {
    throw OUTSIDE;
  }
  const contents = doc.contents;
  if (doc.errors.length || !(isMap(contents) || isSeq(contents)) || !contents.flow || shapeProblems(contents, depth).length) throw OUTSIDE;
  return doc.toJS();
}

/** A plain scalar as yaml's core schema resolves it, tested in the same order. */
function resolvePlain(plain: string): unknown {
  // Most values (names, commands, URLs) start with a letter no core tag can: strings.
  if (/^[a-eg-mo-su-zA-EG-MO-SU-Z_/$]/.test(plain)) return plain;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(plain)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(plain)) return plain[0] === 't' || plain[0] === 'T';
  if (/^0o[0-7]+$/.test(plain)) return parseInt(plain.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(plain)) return parseInt(plain, 10);
  if (/^0x[0-9a-fA-F]+$/.test(plain)) return parseInt(plain.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(plain)) {
    return plain.slice(-3).toLowerCase() === 'nan' ? NaN : plain[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(plain) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(plain))
    return parseFloat(plain);
  return plain;
}
