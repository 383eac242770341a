// A zod schema's answer without zod's per-field bookkeeping, for the headers and bodies every
// heartbeat, offset commit, registration and slave sync carries (zod's payload and issue objects
// were a fifth of what a cluster's background allocates). plainSafeParse compiles a schema once
// into a plain reader for the subset of zod these schemas use (objects, records with string keys,
// arrays, strings, numbers, booleans, string enums, defaults, optional values, preprocessing
// pipes) and runs it first; where it is not sure what zod would answer (anything invalid, or
// unusual: an object with another prototype, a one-character string zod counts in code points, an
// own `__proto__` key), it hands the value to the schema itself, so errors, and the value on any
// path the reader declines, are zod's own. A schema using anything else is always parsed by zod.
// Simplification: a record's symbol keys are not looked at (zod reads them); these values come
// from JSON texts or from the simulation's own objects, which have none.
import type { z } from 'zod';

/** What a reader answers when zod must decide. */
const DECLINE = Symbol('decline');
type Reader = (value: unknown) => unknown;

interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  shape?: Record<string, z.ZodType>;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  defaultValue?: unknown;
  element?: z.ZodType;
  entries?: Record<string, unknown>;
  in?: z.ZodType;
  out?: z.ZodType;
  transform?: (value: unknown, payload: unknown) => unknown;
}

interface CheckDef {
  check: string;
  when?: unknown;
  format?: string;
  minimum?: number;
  pattern?: RegExp;
  value?: unknown;
  inclusive?: boolean;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** A plain object as JSON.parse or a literal makes it (zod reads others differently). */
function isPlain(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && !Object.hasOwn(value, '__proto__');
}

/** A check as a test of the value, or undefined when the reader does not know it. */
function checkOf(def: CheckDef): ((value: never) => boolean) | undefined {
  // A length check's `when` asks whether the value has a length, which a string the type test let
  // through has; any other condition is not known here.
  if (def.when !== undefined && def.check !== 'min_length') return undefined;
  if (def.check === 'number_format' && (def.format === 'safeint' || def.format === 'int32'))
    return def.format === 'safeint' ? Number.isSafeInteger : (v: number) => v === (v | 0);
  if (def.check === 'greater_than' && typeof def.value === 'number') {
    const { value: min, inclusive } = def;
    return (v: number) => (inclusive ? v >= min : v > min);
  }
  if (def.check === 'less_than' && typeof def.value === 'number') {
    const { value: max, inclusive } = def;
    return (v: number) => (inclusive ? v <= max : v < max);
  }
  // zod counts code points when a string is shorter than twice the minimum: it decides those.
  if (def.check === 'min_length' && def.minimum !== undefined) {
    const min = def.minimum;
    return (v: string) => v.length >= 2 * min;
  }
  if (def.check === 'string_format' && def.format === 'regex' && def.pattern !== undefined) {
    const pattern = def.pattern;
    return (v: string) => {
      pattern.lastIndex = 0;
      return pattern.test(v);
    };
  }
  return undefined;
}

/**
 * The readers of a string, number or boolean with no checks, each with its type test as code: an
 * object reader tests such a member where it reads it (`test('v')` is that test of `v`).
 */
const inlineTests = new WeakMap<Reader, (name: string) => string>();

function checked(
  def: Def,
  typeTest: (value: unknown) => boolean,
  inline: (name: string) => string,
): Reader | undefined {
  const tests: ((value: never) => boolean)[] = [];
  for (const check of def.checks ?? []) {
    const test = checkOf(check._zod.def);
    if (test === undefined) return undefined;
    tests.push(test);
  }
  const reader: Reader = (value) => {
    if (!typeTest(value)) return DECLINE;
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(value as never)) return DECLINE;
    return value;
  };
  if (tests.length === 0) inlineTests.set(reader, inline);
  return reader;
}

/**
 * An object's reader as code written for its shape, as zod compiles its own object parsers: each
 * key read by name and the answer made by one object literal, so that every answer has its shape
 * from the start (a loop of keyed stores built each answer key by key: it took twice as long). A
 * schema with a `__proto__` key, which a literal (or an assignment) would take for the prototype,
 * is left to zod.
 */
function objectReader(shape: Record<string, z.ZodType>): Reader | undefined {
  const keys = Object.keys(shape);
  if (keys.includes('__proto__')) return undefined;
  const readers: Reader[] = [];
  for (const key of keys) {
    const reader = compile(shape[key]!);
    if (reader === undefined) return undefined;
    readers.push(reader);
  }
  const reads = keys.map((key, i) => {
    const member = `value[${JSON.stringify(key)}]`;
    const test = inlineTests.get(readers[i]!);
    if (test !== undefined) return `const v${i} = ${member}; if (!(${test(`v${i}`)})) return D;`;
    return `const v${i} = r[${i}](${member}); if (v${i} === D || v${i} === undefined) return D;`;
  });
  const made = keys.map((key, i) => `${JSON.stringify(key)}: v${i}`).join(', ');
  // The source URL names the readers in a CPU profile (zod's compiled parsers are anonymous).
  const code = `return (value) => { if (!isPlain(value)) return D; ${reads.join(' ')} return { ${made} }; };
//# sourceURL=plain-reader-object`;
  const make = new Function('r', 'D', 'isPlain', code) as (
    r: readonly Reader[],
    d: typeof DECLINE,
    p: typeof isPlain,
  ) => Reader;
  return make(readers, DECLINE, isPlain);
}

function recordReader(keyType: z.ZodType, valueType: z.ZodType): Reader | undefined {
  if (defOf(keyType).type !== 'string') return undefined;
  const readKey = compile(keyType);
  const readValue = compile(valueType);
  if (readKey === undefined || readValue === undefined) return undefined;
  return (value) => {
    if (!isPlain(value)) return DECLINE;
    const out: Record<string, unknown> = {};
    for (const key in value) {
      if (readKey(key) === DECLINE) return DECLINE;
      const read = readValue(value[key]);
      if (read === DECLINE || read === undefined) return DECLINE;
      out[key] = read;
    }
    return out;
  };
}

function arrayReader(def: Def): Reader | undefined {
  const readElement =
    def.element === undefined || (def.checks ?? []).length > 0 ? undefined : compile(def.element);
  if (readElement === undefined) return undefined;
  return (value) => {
    if (!Array.isArray(value)) return DECLINE;
    const out: unknown[] = [];
    for (const element of value as unknown[]) {
      const read = readElement(element);
      if (read === DECLINE || read === undefined) return DECLINE;
      out.push(read);
    }
    return out;
  };
}

function enumReader(entries: Record<string, unknown>): Reader | undefined {
  const values = new Set(Object.values(entries));
  if ([...values].some((v) => typeof v !== 'string')) return undefined;
  return (value) => (values.has(value) ? value : DECLINE);
}

function defaultReader(def: Def): Reader | undefined {
  const inner = def.innerType === undefined ? undefined : compile(def.innerType);
  if (inner === undefined) return undefined;
  // Read from the definition each time: zod hands out a fresh copy of an object default.
  return (value) => (value === undefined ? def.defaultValue : inner(value));
}

/** The issues a preprocessing function may add; it must leave them empty. */
const transformPayload: { value: unknown; issues: unknown[] } = { value: undefined, issues: [] };

function pipeReader(def: Def): Reader | undefined {
  const inner = def.in === undefined ? undefined : defOf(def.in);
  if (inner?.type !== 'transform' || inner.transform === undefined || def.out === undefined) return undefined;
  const transform = inner.transform;
  const readOut = compile(def.out);
  if (readOut === undefined) return undefined;
  return (value) => {
    transformPayload.value = value;
    const transformed = transform(value, transformPayload);
    if (transformPayload.issues.length > 0 || transformed instanceof Promise) {
      transformPayload.issues.length = 0;
      return DECLINE;
    }
    return readOut(transformed);
  };
}

function compile(schema: z.ZodType): Reader | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return def.shape === undefined ? undefined : objectReader(def.shape);
    case 'record':
      return def.keyType === undefined || def.valueType === undefined
        ? undefined
        : recordReader(def.keyType, def.valueType);
    case 'string':
      return checked(
        def,
        (v) => typeof v === 'string',
        (v) => `typeof ${v} === 'string'`,
      );
    case 'number':
      return checked(def, Number.isFinite, (v) => `Number.isFinite(${v})`);
    case 'boolean':
      return checked(
        def,
        (v) => typeof v === 'boolean',
        (v) => `typeof ${v} === 'boolean'`,
      );
    case 'array':
      return arrayReader(def);
    case 'enum':
      return def.entries === undefined || (def.checks ?? []).length > 0 ? undefined : enumReader(def.entries);
    case 'default':
      return defaultReader(def);
    case 'optional': {
      const inner = def.innerType === undefined ? undefined : compile(def.innerType);
      return inner && ((value) => (value === undefined ? undefined : inner(value)));
    }
    case 'pipe':
      return pipeReader(def);
    default:
      return undefined;
  }
}

/**
 * `schema.safeParse`, answered by a plain reader where it is sure of zod's answer (the same value,
 * keys in the same order) and by zod everywhere else.
 */
export function plainSafeParse<S extends z.ZodType>(
  schema: S,
): (value: unknown) => z.ZodSafeParseResult<z.output<S>> {
  const reader = compile(schema);
  if (reader === undefined) return (value) => schema.safeParse(value);
  return (value) => {
    const read = reader(value);
    return read === DECLINE ? schema.safeParse(value) : { success: true, data: read as z.output<S> };
  };
}

/** `schema.parse` the same way: zod's error where zod finds one. */
export function plainParse<S extends z.ZodType>(schema: S): (value: unknown) => z.output<S> {
  const safeParse = plainSafeParse(schema);
  return (value) => {
    const result = safeParse(value);
    if (result.success) return result.data;
    throw result.error;
  };
}
