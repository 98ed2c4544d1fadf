// Reading the errors that @kubernetes/client-node 1.x throws. Its ApiException carries the HTTP
// code and the apiserver's Status body as a JSON string; its Watch reports `statusCode`; network
// failures are node-fetch FetchErrors with a `code` such as ECONNREFUSED.

interface WithCode {
  code?: unknown;
  statusCode?: unknown;
  body?: unknown;
  message?: unknown;
}

/** The HTTP status of a failed Kubernetes API call, or undefined for network-level failures. */
export function kubeStatusCode(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as WithCode;
  if (typeof e.statusCode === 'number') return e.statusCode;
  if (typeof e.code === 'number') return e.code;
  return undefined;
}

export const isNotFound = (err: unknown): boolean => kubeStatusCode(err) === 404;
export const isConflict = (err: unknown): boolean => kubeStatusCode(err) === 409;
export const isGone = (err: unknown): boolean => kubeStatusCode(err) === 410;

/**
 * A one-line description: the apiserver's Status message when there is one, else the error's own
 * message. ApiException's own message embeds the whole response (headers included), which is
 * noise in a log line or an Event.
 */
export function describeKubeError(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const e = err as WithCode;
  const code = kubeStatusCode(err);
  if (code !== undefined && e.body !== undefined) {
    const status = parseStatus(e.body);
    if (status?.message) return `${code} ${status.reason ?? ''}: ${status.message}`.replace(' :', ':');
    return `HTTP ${code}`;
  }
  if (typeof e.code === 'string' && typeof e.message === 'string') return `${e.code}: ${e.message}`;
  return typeof e.message === 'string' ? e.message : String(err);
}

function parseStatus(body: unknown): { message?: string; reason?: string } | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { message: value as string };
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const s = value as { message?: unknown; reason?: unknown };
  return {
    message: typeof s.message === 'string' ? s.message : undefined,
    reason: typeof s.reason === 'string' ? s.reason : undefined,
  };
}
