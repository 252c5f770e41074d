// The few globals this package uses that browsers and Node.js both have (WHATWG / HTML). It runs
// in both, so its tsconfig loads neither lib.dom nor @types/node (`types: []`): Node's `Buffer` or
// `process`, or the DOM's `document`, fail the typecheck here. Declare only what is used.

/** HTML's structured clone (Node.js >= 17). */
declare function structuredClone<T>(value: T): T;

/** WHATWG URL (Node.js >= 10): parsing only. */
declare class URL {
  constructor(url: string, base?: string);
  readonly hostname: string;
}
