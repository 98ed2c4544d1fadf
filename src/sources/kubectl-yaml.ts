// How kubectl reads plain (unquoted) YAML scalars, so that a file means the same to
// `ecs-operator apply -f` as to `kubectl apply -f`. kubectl converts YAML to JSON with
// sigs.k8s.io/yaml, which uses go-yaml v2: YAML 1.1 booleans (y, yes, on, off...), octal 0755,
// underscores in numbers, and timestamps kept as the strings they were written as. js-yaml's own
// YAML 1.1 schema differs in the numbers (it reads 1:30 as sexagesimal 90 and 1e3 as a string, go-yaml
// the other way round), so integers and floats are resolved here the way go-yaml resolves them.
import {
  FAILSAFE_SCHEMA,
  NOT_RESOLVED,
  Schema,
  boolCoreTag,
  boolYaml11Tag,
  defineScalarTag,
  floatCoreTag,
  intCoreTag,
  mergeTag,
  nullCoreTag,
  nullYaml11Tag,
  type ScalarTagDefinition,
} from 'js-yaml';

const SIGN_AND_DIGITS = ['-', '+', ...'0123456789'];
// go-yaml strips every underscore, then calls strconv.ParseInt(s, 0, 64): 0x, 0o, 0b and a leading
// 0 (octal) select the base.
const GO_INTEGER = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
// go-yaml's own float pattern, tried after the integer forms (so 08 and 1e3 are floats there).
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
// A scalar starting with "." goes straight to strconv.ParseFloat, without the underscore removal.
const GO_DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
const GO_SPECIAL_FLOATS: Record<string, number> = {
  '.nan': NaN, '.NaN': NaN, '.NAN': NaN,
  '.inf': Infinity, '.Inf': Infinity, '.INF': Infinity,
  '+.inf': Infinity, '+.Inf': Infinity, '+.INF': Infinity,
  '-.inf': -Infinity, '-.Inf': -Infinity, '-.INF': -Infinity,
};
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function goInteger(source: string): number | typeof NOT_RESOLVED {
  if (!SIGN_AND_DIGITS.includes(source.charAt(0))) return NOT_RESOLVED;
  const m = GO_INTEGER.exec(source.replace(/_/g, ''));
  if (!m) return NOT_RESOLVED;
  const [, sign, digits = ''] = m;
  // BigInt reads 0x, 0o and 0b, but takes a leading 0 for decimal.
  const magnitude = BigInt(/^0[0-7]+$/.test(digits) ? `0o${digits.slice(1)}` : digits);
  const value = sign === '-' ? -magnitude : magnitude;
  // Out of int64/uint64 range ParseInt fails; decimal digits then still read as a float.
  if (value < INT64_MIN || value > UINT64_MAX) return NOT_RESOLVED;
  return Number(value);
}

function goFloat(source: string): number | typeof NOT_RESOLVED {
  if (source in GO_SPECIAL_FLOATS) return GO_SPECIAL_FLOATS[source] as number;
  const first = source.charAt(0);
  const plain = first === '.' ? source : SIGN_AND_DIGITS.includes(first) ? source.replace(/_/g, '') : undefined;
  if (plain === undefined || !(first === '.' ? GO_DOT_FLOAT : GO_FLOAT).test(plain)) return NOT_RESOLVED;
  const value = Number(plain);
  // strconv.ParseFloat fails on overflow (1e400), and go-yaml then keeps the string.
  return Number.isFinite(value) ? value : NOT_RESOLVED;
}

// Load-only tags: nothing is ever dumped with this schema.
const goIntTag = defineScalarTag('tag:yaml.org,2002:int', {
  implicit: true,
  implicitFirstChars: SIGN_AND_DIGITS,
  resolve: (source) => goInteger(source),
  identify: () => false,
});

const goFloatTag = defineScalarTag('tag:yaml.org,2002:float', {
  implicit: true,
  implicitFirstChars: [...SIGN_AND_DIGITS, '.'],
  // An explicit !!float also takes an integer, as go-yaml's does.
  resolve: (source, isExplicit) => {
    const value = goFloat(source);
    return value === NOT_RESOLVED && isExplicit ? goInteger(source) : value;
  },
  identify: () => false,
});

/** The schema kubectl's YAML reader amounts to: YAML 1.1 nulls and booleans, go-yaml numbers, merge keys, no timestamps. */
export const KUBECTL_SCHEMA = new Schema([...FAILSAFE_SCHEMA.tags, nullYaml11Tag, boolYaml11Tag, goIntTag, goFloatTag, mergeTag]);

// The implicit resolvers of each reading, in schema order, for comparing one plain scalar.
const KUBECTL_RESOLVERS: ScalarTagDefinition[] = [nullYaml11Tag, boolYaml11Tag, goIntTag, goFloatTag];
const YAML12_RESOLVERS: ScalarTagDefinition[] = [nullCoreTag, boolCoreTag, intCoreTag, floatCoreTag];

function readPlain(source: string, resolvers: readonly ScalarTagDefinition[]): unknown {
  const first = source.charAt(0);
  for (const tag of resolvers) {
    if (tag.implicitFirstChars !== null && !tag.implicitFirstChars.includes(first)) continue;
    const value: unknown = tag.resolve(source, false, tag.tagName);
    if (value !== NOT_RESOLVED) return value;
  }
  return source;
}

/** What kubectl makes of an unquoted, untagged scalar. */
export function readPlainAsKubectl(source: string): unknown {
  return readPlain(source, KUBECTL_RESOLVERS);
}

/** What a YAML 1.2 reader (the core schema, js-yaml's default) makes of it. */
export function readPlainAsYaml12(source: string): unknown {
  return readPlain(source, YAML12_RESOLVERS);
}
