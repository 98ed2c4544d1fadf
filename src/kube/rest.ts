// The handful of Kubernetes API requests the operator makes (custom objects, their status, Events,
// Leases, /version), sent as plain JSON over node:https with the kubeconfig's credentials.
//
// Why not @kubernetes/client-node's generated API classes: loading any of them loads all of them
// (every API group and model, about 25 MB of heap before a single object is cached), and each of
// their requests builds a new https.Agent, so every status write pays a TCP and TLS handshake.
// KubeConfig still does everything about credentials (kubeconfig files, in-cluster tokens that
// rotate, exec plugins, proxies): applyToHTTPSOptions is asked again before every request.
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node/dist/config.js';
import { PatchStrategy } from '@kubernetes/client-node/dist/patch.js';

export { PatchStrategy };
export type PatchContentType = (typeof PatchStrategy)[keyof typeof PatchStrategy];

/** Default per-request timeout: no single API call may stall a reconcile or a lease renewal. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The field manager every write names, so that managedFields (and `kubectl get --show-managed-fields`)
 * say which fields the operator owns; without it the apiserver records the HTTP client's user agent.
 */
export const FIELD_MANAGER = 'ecs-operator';

/**
 * A non-2xx answer. `code` is the HTTP status and `body` the apiserver's Status as a JSON string,
 * the shape client-node's ApiException has, so src/kube/errors.ts reads both the same way.
 */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly code: number,
    readonly body: string,
    method: string,
    path: string,
  ) {
    super(`${method} ${path}: HTTP ${code}`);
  }
}

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** From the API root, e.g. `/apis/coordination.k8s.io/v1/namespaces/ns/leases/name`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Content-Type of a PATCH (JSON Patch, merge patch...). JSON otherwise. */
  patch?: PatchContentType;
  timeoutMs?: number;
}

/** Methods whose requests take a fieldManager (create, update and patch; never reads or deletes). */
const WRITES: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

/** TLS settings that go into an agent; another value of any of them needs another agent. */
const AGENT_TLS_KEYS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

/**
 * Connections to the apiserver at most; further requests wait for one. Each TLS connection holds
 * ~90 kB of buffers outside the V8 heap, and without a cap a burst (a start pass writing 2,000
 * statuses and Events at once) opened ~90 and kept them all. client-go multiplexes everything on
 * one HTTP/2 connection; over HTTP/1.1, 16 carry hundreds of small requests a second.
 */
const MAX_CONNECTIONS = 16;

export class KubeRest {
  /** One keep-alive agent, reused while the TLS material the kubeconfig yields stays the same. */
  private agent: { agent: http.Agent; tls: unknown[] } | undefined;

  constructor(private readonly kc: KubeConfig) {}

  /** Sends one request; resolves with the parsed JSON answer (undefined for an empty body). */
  async request<T>(req: KubeRequest): Promise<T> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    const url = new URL(cluster.server + req.path);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    if (WRITES.has(req.method)) url.searchParams.set('fieldManager', FIELD_MANAGER);
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const opts: https.RequestOptions = {
      method: req.method,
      headers: {
        Accept: 'application/json',
        ...(payload === undefined ? {} : { 'Content-Type': req.patch ?? 'application/json', 'Content-Length': Buffer.byteLength(payload) }),
      },
      signal: AbortSignal.timeout(req.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
    };
    // Credentials (a token file re-read, an exec plugin run when its token expires) and TLS settings.
    await this.kc.applyToHTTPSOptions(opts);
    // Through a proxy the library's own agent is needed; otherwise reuse connections.
    if (!cluster.proxyUrl) opts.agent = this.agentFor(opts, url.protocol === 'http:');
    const send = url.protocol === 'http:' ? http.request : https.request;
    return new Promise<T>((resolve, reject) => {
      const request = send(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (code < 200 || code >= 300) return reject(new KubeApiError(code, text, req.method, req.path));
          try {
            resolve((text === '' ? undefined : JSON.parse(text)) as T);
          } catch (err) {
            reject(err);
          }
        });
      });
      request.on('error', reject);
      request.end(payload);
    });
  }

  private agentFor(opts: https.RequestOptions, plain: boolean): http.Agent {
    const tls = AGENT_TLS_KEYS.map((k) => opts[k]);
    const current = this.agent;
    if (current && tls.every((v, i) => sameValue(v, current.tls[i]))) return current.agent;
    current?.agent.destroy();
    const agentOptions: https.AgentOptions = { keepAlive: true, maxSockets: MAX_CONNECTIONS };
    for (const k of AGENT_TLS_KEYS) if (opts[k] !== undefined) Object.assign(agentOptions, { [k]: opts[k] });
    const agent = plain ? new http.Agent(agentOptions) : new https.Agent(agentOptions);
    this.agent = { agent, tls };
    return agent;
  }

  /** Closes the idle connections (at shutdown). */
  destroy(): void {
    this.agent?.agent.destroy();
    this.agent = undefined;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  return a === b;
}

const shared = new WeakMap<KubeConfig, KubeRest>();

/** The one KubeRest of a kubeconfig, so that every client shares its connections. */
export function kubeRest(kc: KubeConfig): KubeRest {
  let rest = shared.get(kc);
  if (!rest) shared.set(kc, (rest = new KubeRest(kc)));
  return rest;
}

/** `/apis/group/version[/namespaces/ns]/plural[/name[/sub]]`, each segment escaped. */
export function apiPath(parts: { group: string; version: string; plural: string; namespace?: string; name?: string; subresource?: string }): string {
  const root = parts.group === '' ? `/api/${parts.version}` : `/apis/${parts.group}/${parts.version}`;
  const ns = parts.namespace === undefined ? '' : `/namespaces/${encodeURIComponent(parts.namespace)}`;
  const name = parts.name === undefined ? '' : `/${encodeURIComponent(parts.name)}`;
  const sub = parts.subresource === undefined ? '' : `/${parts.subresource}`;
  return `${root}${ns}/${parts.plural}${name}${sub}`;
}
