// resource.Quantity's decoding (k8s.io/apimachinery/pkg/api/resource): what ParseQuantity accepts,
// and its errors, which the API server answers with as they are (400 BadRequest).

const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const QUANTITY_FORMAT_ERROR = `quantities must match the regular expression '${SPLIT_RE}'`;
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

const DECIMAL_SUFFIXES = new Set(['n', 'u', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E']);
const BINARY_SUFFIXES = new Set(['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei']);

/**
 * Why a JSON value is not a Quantity, or undefined when it is one. Quantity's UnmarshalJSON takes
 * a string's contents or any other value's JSON text (`0.5`, `2`) and parses it.
 */
export function quantityError(value: unknown): string | undefined {
  const text =
    typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  if (typeof value !== 'string' && typeof value !== 'number') return QUANTITY_FORMAT_ERROR;
  return parseError(text);
}

/** ParseQuantity's checks, in its order: the format, then the suffix. */
function parseError(text: string): string | undefined {
  if (text === '') return QUANTITY_FORMAT_ERROR;
  if (text === '0') return undefined;
  const m = /^[+-]?[0-9]*(?:\.[0-9]*)?/.exec(text);
  const rest = text.slice(m?.[0].length ?? 0);
  // The suffix: letters of [eEinumkKMGTP], then an optional sign and digits, and nothing else.
  const suffix = /^[eEinumkKMGTP]*[-+]?[0-9]*$/.exec(rest)?.[0];
  if (suffix === undefined) return QUANTITY_FORMAT_ERROR;
  if (DECIMAL_SUFFIXES.has(suffix) || BINARY_SUFFIXES.has(suffix)) return undefined;
  // A decimal exponent: e or E and an integer.
  if (/^[eE][-+]?[0-9]+$/.test(suffix)) return undefined;
  return QUANTITY_SUFFIX_ERROR;
}
