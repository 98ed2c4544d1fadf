// An in-memory stand-in for the SDK's HTTP handler: real clients, real (de)serialization, retries
// and middleware, with answers scripted per operation. No sockets, no processes.
import type { HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler, RequestHandlerOutput } from '@smithy/types';

export interface FakeRequest {
  /** e.g. `DescribeServices`. */
  operation: string;
  /** The parsed JSON body (JSON protocols) or the form fields (query protocol). */
  input: Record<string, unknown>;
}

export interface FakeResponse {
  status: number;
  body: string;
  contentType: string;
}

/** Answers a request, or throws to simulate a network failure. */
export type Responder = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export class FakeTransport implements RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions> {
  readonly requests: FakeRequest[] = [];

  constructor(private readonly respond: Responder) {}

  async handle(request: HttpRequest): Promise<RequestHandlerOutput<HttpResponse>> {
    const parsed = parse(request);
    this.requests.push(parsed);
    const answer = await this.respond(parsed);
    return {
      response: {
        statusCode: answer.status,
        reason: undefined,
        headers: { 'content-type': answer.contentType, 'x-amzn-requestid': 'fake-request-id' },
        body: new TextEncoder().encode(answer.body),
      },
    };
  }

  of(operation: string): FakeRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }
}

function parse(request: HttpRequest): FakeRequest {
  const body = typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body as Uint8Array);
  const target = request.headers['x-amz-target'];
  if (target) return { operation: target.slice(target.indexOf('.') + 1), input: body ? (JSON.parse(body) as Record<string, unknown>) : {} };
  const form = Object.fromEntries(new URLSearchParams(body));
  return { operation: form.Action ?? 'Unknown', input: form };
}

export function json(body: unknown, status = 200): FakeResponse {
  return { status, body: JSON.stringify(body), contentType: 'application/x-amz-json-1.1' };
}

export function jsonError(type: string, message: string, status = 400): FakeResponse {
  return json({ __type: type, message }, status);
}

export function xml(body: string, status = 200): FakeResponse {
  return { status, body, contentType: 'text/xml' };
}

export function queryError(code: string, message: string, status = 400): FakeResponse {
  return xml(`<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`, status);
}

/** An error shaped like the one Node.js raises when a connection is reset. */
export function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

const credentials = { accessKeyId: 'fake', secretAccessKey: 'fake-secret' };

/** The configuration a test client gets: a fake transport and a few quick attempts. */
export function fakeClientConfig(transport: FakeTransport, maxAttempts = 3) {
  return { region: 'us-east-1', credentials, requestHandler: transport, maxAttempts };
}
