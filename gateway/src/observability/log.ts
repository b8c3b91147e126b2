// Structured logs: one JSON object per line on stdout (or wherever `write` sends them).
export type LogFields = Record<string, unknown>;
export type Logger = (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: LogFields) => void;

export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`), minLevel: 'debug' | 'info' | 'warn' | 'error' = 'info'): Logger {
  const order = ['debug', 'info', 'warn', 'error'];
  return (level, message, fields = {}) => {
    if (order.indexOf(level) < order.indexOf(minLevel)) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, service: 'gateway', msg: message, ...fields }));
  };
}

export const silentLogger: Logger = () => {};
