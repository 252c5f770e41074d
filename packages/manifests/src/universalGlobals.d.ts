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

/** WHATWG Encoding (Node.js >= 11): UTF-8 bytes of a string (a Secret's stringData). */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

/** HTML's base64 of a binary string (Node.js >= 16). */
declare function btoa(data: string): string;
