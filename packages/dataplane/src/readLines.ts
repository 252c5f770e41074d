// Lines of a child process's output, for the programs the kernel dataplane keeps running
// (conntrack/lineProcess.ts's readers, nftables/nftShell.ts's `nft -j -i`).

/** Calls `onLine` for every complete line of a stream (a last line without "\n" included). */
export function readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const text = rest + chunk;
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      onLine(text.slice(from, nl));
      from = nl + 1;
    }
    rest = text.slice(from);
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
    rest = '';
  });
}
