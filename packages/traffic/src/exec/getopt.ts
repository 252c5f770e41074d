/**
 * POSIX getopt with GNU long options, as busybox's getopt32: `spec` lists short options, `x:` when
 * it takes a value (`-qO-` is `-q -O -`); `long` maps `--name` to a short letter (`name:` = value).
 * Returns options in order (repeats kept) and the operands, or the message busybox prints.
 */
export function getopt(
  cmd: string,
  args: string[],
  spec: string,
  long: Record<string, string> = {},
): { opts: [string, string][]; rest: string[] } | { error: string } {
  const takesValue = (c: string) => spec.includes(`${c}:`);
  const known = (c: string) => spec.replaceAll(':', '').includes(c);
  const opts: [string, string][] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      const entry = Object.entries(long).find(([k]) => k.replace(/:$/, '') === name);
      if (!entry) return { error: `${cmd}: unrecognized option '${a}'` };
      const [k, short] = entry;
      if (!k.endsWith(':')) opts.push([short, '']);
      else if (inline !== undefined) opts.push([short, inline]);
      else if (i + 1 < args.length) opts.push([short, args[++i]!]);
      else return { error: `${cmd}: option '--${name}' requires an argument` };
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (!known(c)) return { error: `${cmd}: invalid option -- '${c}'` };
        if (!takesValue(c)) {
          opts.push([c, '']);
          continue;
        }
        const v = a.slice(j + 1) || args[++i];
        if (v === undefined) return { error: `${cmd}: option requires an argument -- '${c}'` };
        opts.push([c, v]);
        break;
      }
      continue;
    }
    rest.push(a);
  }
  return { opts, rest };
}

/** The last value of an option, or undefined. */
export function optValue(opts: [string, string][], c: string): string | undefined {
  let v: string | undefined;
  for (const [k, x] of opts) if (k === c) v = x;
  return v;
}

export function hasOpt(opts: [string, string][], c: string): boolean {
  return opts.some(([k]) => k === c);
}
