// The operator's HTTP endpoints: /metrics for Prometheus, /healthz (liveness: restart me if this
// fails) and /readyz (readiness: caches synced). Checks answer in the style of kube-apiserver's
// own endpoints, one `[+]name ok` / `[-]name failed: why` line each.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './logger.js';

/** A check returns true when healthy, `{ detail }` when healthy with something to say, or a reason why not. */
export type HealthCheck = () => true | { detail: string } | string;

export class HealthChecks {
  private readonly liveness = new Map<string, HealthCheck>();
  private readonly readiness = new Map<string, HealthCheck>();

  addLivenessCheck(name: string, check: HealthCheck): void {
    this.liveness.set(name, check);
  }

  addReadinessCheck(name: string, check: HealthCheck): void {
    this.readiness.set(name, check);
  }

  live(): CheckReport {
    return runChecks(this.liveness);
  }

  ready(): CheckReport {
    return runChecks(this.readiness);
  }
}

export interface CheckReport {
  ok: boolean;
  lines: string[];
}

function runChecks(checks: Map<string, HealthCheck>): CheckReport {
  const lines: string[] = [];
  let ok = true;
  for (const [name, check] of checks) {
    let result: true | { detail: string } | string;
    try {
      result = check();
    } catch (err) {
      result = err instanceof Error ? err.message : String(err);
    }
    if (result === true) lines.push(`[+]${name} ok`);
    else if (typeof result === 'object') lines.push(`[+]${name} ok: ${result.detail}`);
    else {
      ok = false;
      lines.push(`[-]${name} failed: ${result}`);
    }
  }
  return { ok, lines };
}

export interface HttpAddress {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
}

export interface OperatorHttpServer {
  /** The bound address (the real port when 0 was asked for). */
  readonly address: HttpAddress;
  close(): Promise<void>;
}

export async function startHttpServer(opts: {
  address: HttpAddress;
  registry: Registry;
  checks: HealthChecks;
  log: Logger;
}): Promise<OperatorHttpServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: string, contentType = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'Content-Type': contentType });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed\n');
    if (path === '/metrics') {
      opts.registry.metrics().then(
        (text) => reply(200, text, opts.registry.contentType),
        (err: unknown) => {
          opts.log.error({ err }, 'collecting metrics failed');
          reply(500, 'collecting metrics failed\n');
        },
      );
      return;
    }
    if (path === '/healthz' || path === '/readyz') {
      const report = path === '/healthz' ? opts.checks.live() : opts.checks.ready();
      return reply(report.ok ? 200 : 503, `${report.lines.join('\n')}\n${report.ok ? 'ok' : 'failed'}\n`);
    }
    reply(404, 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.address.port, opts.address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const address = { host: opts.address.host, port: bound.port };
  opts.log.info({ address: `${address.host}:${address.port}` }, 'serving /metrics, /healthz and /readyz');
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Prometheus keeps connections alive; without this close() waits for them to idle out.
        server.closeAllConnections();
      }),
  };
}
