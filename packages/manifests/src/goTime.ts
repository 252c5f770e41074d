// metav1.Time's decoding: Go's time.Parse(time.RFC3339, s), with its error messages, which the API
// server answers with as they are (400 BadRequest).

const LAYOUT = '2006-01-02T15:04:05Z07:00';

/** [literal before, element, digits, range name, min, max] of the RFC 3339 layout, in order. */
const ELEMENTS: readonly [string, string, number, string, number, number][] = [
  ['', '2006', 4, 'year', 0, 9999],
  ['-', '01', 2, 'month', 1, 12],
  ['-', '02', 2, 'day', 1, 31],
  ['T', '15', 2, 'hour', 0, 23],
  [':', '04', 2, 'minute', 0, 59],
  [':', '05', 2, 'second', 0, 59],
];

/** time.Parse's error for a value that is not RFC 3339, or undefined when it is one. */
export function goTimeParseError(value: string): string | undefined {
  const quoted = JSON.stringify(value);
  const cannot = (rest: string, elem: string) =>
    `parsing time ${quoted} as ${JSON.stringify(LAYOUT)}: cannot parse ${JSON.stringify(rest)} as ${JSON.stringify(elem)}`;
  let rest = value;
  for (const [literal, elem, digits, name, min, max] of ELEMENTS) {
    if (!rest.startsWith(literal)) return cannot(rest, literal);
    rest = rest.slice(literal.length);
    const n = rest.slice(0, digits);
    if (!new RegExp(`^[0-9]{${digits}}$`).test(n)) return cannot(rest, elem);
    if (Number(n) < min || Number(n) > max) return `parsing time ${quoted}: ${name} out of range`;
    rest = rest.slice(digits);
    // Fractional seconds are accepted after the seconds even though the layout has none.
    if (elem === '05') rest = rest.replace(/^[.,][0-9]+/, '');
  }
  const zone = /^(?:Z|[+-][0-9]{2}:[0-9]{2})/.exec(rest);
  if (!zone) return cannot(rest, 'Z07:00');
  rest = rest.slice(zone[0].length);
  if (rest) return `parsing time ${quoted}: extra text: ${JSON.stringify(rest)}`;
  return undefined;
}
