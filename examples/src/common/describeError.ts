// How the example programs print a failure: the error and every cause under it, each with its
// class and code, so a wrapped failure (a sink's NatsError FENCED inside the coordinator's
// CheckpointError SINK) still says what happened at the bottom.

/** `<name> <code>: <message>` and the stack, then `caused by <name> <code>: <message>` for each cause. */
export function describeError(err: unknown): string {
  const lines: string[] = [];
  const seen = new Set<unknown>();
  for (let e: unknown = err, first = true; e !== undefined && !seen.has(e); first = false) {
    seen.add(e);
    if (!(e instanceof Error)) {
      lines.push(`${first ? '' : 'caused by '}${String(e)}`);
      break;
    }
    const code = 'code' in e && e.code !== undefined ? ` ${String(e.code)}` : '';
    const head = `${e.name}${code}: ${e.message}`;
    // the top error with its stack (whose first line is `<name>: <message>`), the causes without
    const stack = first && e.stack !== undefined && e.stack.startsWith(`${e.name}: ${e.message}`) ? e.stack.slice(`${e.name}: ${e.message}`.length) : '';
    lines.push(`${first ? '' : 'caused by '}${head}${stack}`);
    e = e.cause;
  }
  return lines.join('\n');
}
