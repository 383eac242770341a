// The java.util.Properties text format a broker.conf is written in (Properties.load and store):
// - natural lines end in \n, \r or \r\n; blank lines, and lines whose first non-blank character
//   is # or !, are skipped (blanks are space, tab and form feed);
// - a line ending in an odd number of backslashes goes on in the next line, whose leading blanks
//   are dropped (a comment line never goes on);
// - the key ends at the first unescaped '=', ':' or blank; blanks and at most one '=' or ':'
//   separate it from the value, which runs to the end of the line;
// - \t \n \r \f and \uXXXX are escapes, and a backslash before any other character keeps that
//   character; a repeated key keeps its last value.
// Simplification: the text is already decoded (Properties.load(InputStream) reads ISO-8859-1, so
// a Java broker reads non-Latin-1 text only through \u escapes, which renderProperty writes).

export interface PropertyEntry {
  readonly key: string;
  readonly value: string;
  /** The 1-based line the entry starts on, for error messages. */
  readonly line: number;
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t' || c === '\f';

/** Entries in the order their keys first appear; a repeated key keeps its last value. */
export function parseProperties(text: string): PropertyEntry[] {
  const entries = new Map<string, PropertyEntry>();
  for (const { text: line, line: number } of logicalLines(text)) {
    const [rawKey, rawValue] = splitKeyValue(line);
    const key = unescape(rawKey, number);
    entries.set(key, { key, value: unescape(rawValue, number), line: number });
  }
  return [...entries.values()];
}

/** One `key=value` line that parseProperties reads back as exactly (key, value). */
export function renderProperty(key: string, value: string): string {
  return `${escape(key, true)}=${escape(value, false)}`;
}

function logicalLines(text: string): { text: string; line: number }[] {
  const natural = text.split(/\r\n|\r|\n/);
  const out: { text: string; line: number }[] = [];
  for (let i = 0; i < natural.length; i++) {
    const line = i + 1;
    let logical = skipBlanks(natural[i]!);
    if (logical === '' || logical[0] === '#' || logical[0] === '!') continue;
    while (continues(logical)) {
      logical = logical.slice(0, -1);
      if (i + 1 >= natural.length) break;
      logical += skipBlanks(natural[++i]!);
    }
    out.push({ text: logical, line });
  }
  return out;
}

function skipBlanks(text: string): string {
  let i = 0;
  while (isBlank(text[i])) i++;
  return text.slice(i);
}

/** An odd number of trailing backslashes: the last one escapes the line end. */
function continues(line: string): boolean {
  let n = 0;
  while (line[line.length - 1 - n] === '\\') n++;
  return n % 2 === 1;
}

function splitKeyValue(line: string): [string, string] {
  let end = 0;
  let separated = false;
  for (; end < line.length; end++) {
    const c = line[end];
    if (c === '\\') end++;
    else if (c === '=' || c === ':') {
      separated = true;
      break;
    } else if (isBlank(c)) break;
  }
  let start = Math.min(end + 1, line.length);
  for (; start < line.length; start++) {
    const c = line[start];
    if (isBlank(c)) continue;
    if (separated || (c !== '=' && c !== ':')) break;
    separated = true;
  }
  return [line.slice(0, end), line.slice(start)];
}

const UNESCAPED: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(raw: string, line: number): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = raw[++i] ?? '';
    if (next !== 'u') {
      out += UNESCAPED[next] ?? next;
      continue;
    }
    const hex = raw.slice(i + 1, i + 5);
    // Properties.load throws here, and BrokerStartup stops.
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new RangeError(`line ${line}: malformed \\uxxxx encoding`);
    out += String.fromCharCode(parseInt(hex, 16));
    i += 4;
  }
  return out;
}

const ESCAPED: Record<string, string> = { '\t': 't', '\n': 'n', '\r': 'r', '\f': 'f' };

/** Properties.saveConvert: blanks are escaped everywhere in a key, and leading in a value. */
function escape(text: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const code = c.charCodeAt(0);
    if (c === ' ') out += isKey || i === 0 ? '\\ ' : ' ';
    else if (ESCAPED[c] !== undefined) out += `\\${ESCAPED[c]}`;
    else if ('\\=:#!'.includes(c)) out += `\\${c}`;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += c;
  }
  return out;
}
