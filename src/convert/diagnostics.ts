// What the conversion found wrong, each located to the file, line and column of the key it is
// about: errors (nothing is written, exit 1) and warnings (a key not carried over, exit 2).
import { printable } from '../drift/values.js';

export interface Diagnostic {
  severity: 'error' | 'warning';
  file: string;
  line?: number;
  column?: number;
  /** The key as a path in its file (services.web.deploy), when about one key. */
  key?: string;
  message: string;
}

export class Diagnostics {
  readonly items: Diagnostic[] = [];

  add(d: Diagnostic): void {
    this.items.push(d);
  }

  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'error');
  }

  get warnings(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'warning');
  }
}

/** `docker-compose.yml:12:5: warning: services.web.deploy: not converted: ...` */
export function formatDiagnostic(d: Diagnostic): string {
  let where = d.file;
  if (d.line !== undefined) where += `:${d.line}${d.column !== undefined ? `:${d.column}` : ''}`;
  return printable(`${where}: ${d.severity}: ${d.key ? `${d.key}: ` : ''}${d.message}`);
}
