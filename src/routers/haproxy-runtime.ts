import { connect } from 'node:net';

export type RuntimeEndpoint = { socket: string } | { address: string };

/**
 * Sends commands to HAProxy's Runtime API (one connection, non-interactive: HAProxy answers and
 * closes) and returns each command's answer. Commands are joined with ";" as the API expects.
 */
export function runtimeCommands(
  endpoint: RuntimeEndpoint,
  commands: readonly string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const where = 'socket' in endpoint ? endpoint.socket : endpoint.address;
    if (signal?.aborted) return reject(new Error(`HAProxy Runtime API at ${where}: cancelled`));
    const target = 'socket' in endpoint ? { path: endpoint.socket } : hostPort(endpoint.address);
    const connection = connect(target);
    let answer = '';
    const timer = setTimeout(() => connection.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    // A cancelled step stops waiting at once: a stalled socket must not hold it to the runner's kill.
    const cancel = (): void => void connection.destroy(new Error('cancelled'));
    signal?.addEventListener('abort', cancel, { once: true });
    connection.on('close', () => signal?.removeEventListener('abort', cancel));
    connection.setEncoding('utf8');
    connection.on('connect', () => connection.write(`${commands.join('; ')}\n`));
    connection.on('data', (chunk: string) => (answer += chunk));
    connection.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`HAProxy Runtime API at ${where}: ${error.message}`));
    });
    connection.on('close', (hadError) => {
      clearTimeout(timer);
      // Each command's answer ends with an empty line.
      if (!hadError)
        resolve(
          answer
            .split(/\n\n/)
            .map((part) => part.trim())
            .slice(0, commands.length),
        );
    });
  });
}

function hostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(address.slice(at + 1)) };
}
