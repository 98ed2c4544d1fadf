// One log line per AWS call, after the SDK's retries: a write (create, update, register, tag,
// delete...) at info, a read at debug. Logs are where an operator's history lives once Events
// expire, so a write says what it touched (`target`: the names and ARNs that identify it), in which
// region, and which request fields it set (`fields`: names only). Values other than identifiers are
// never logged: a task definition's environment, secrets, or anything a credential could hide in.
// The object being reconciled is named by the logger the call runs under (src/observability/
// work-context.ts), so `jq 'select(.key == "team-a/web")'` shows its AWS writes too.
import type { Pluggable } from '@smithy/types';
import { contextLogger, WorkStoppedError } from '../observability/work-context.js';
import type { Logger } from '../observability/logger.js';
import { classifyAwsError } from './errors.js';
import { isReadOperation, operationName, type AwsService } from './operations.js';

/**
 * Request members that name the resource a call acts on, not a setting it changes: logged with
 * their values (names and ARNs). Every other member is logged by name only.
 */
const IDENTIFYING_MEMBERS = new Set([
  'cluster',
  'clusterName',
  'service',
  'serviceName',
  'resourceArn',
  'serviceNamespace',
  'resourceId',
  'scalableDimension',
  'policyName',
  'scheduledActionName',
  'alarmName',
  'AlarmName',
  'AlarmNames',
  'name',
  'capacityProvider',
]);

/** Members that say nothing about what changed (an idempotency token). */
const IGNORED_MEMBERS = new Set(['clientToken']);

/** Deletions and deregistrations name what they remove: every member of theirs identifies. */
function removes(operation: string): boolean {
  return operation.startsWith('Delete') || operation.startsWith('Deregister');
}

export interface CallSummary {
  target: Record<string, unknown>;
  fields: string[];
}

/** What a request acts on and which fields it sets, without the values of those fields. */
export function summarizeRequest(operation: string, input: unknown): CallSummary {
  const target: Record<string, unknown> = {};
  const fields: string[] = [];
  if (input === null || typeof input !== 'object') return { target, fields };
  for (const [member, value] of Object.entries(input)) {
    if (value === undefined || IGNORED_MEMBERS.has(member)) continue;
    // RegisterTaskDefinition's family names the revision it registers.
    if (IDENTIFYING_MEMBERS.has(member) || (member === 'family' && operation === 'RegisterTaskDefinition') || (removes(operation) && isScalar(value))) {
      target[member] = value;
    } else if (member === 'tagKeys' && Array.isArray(value)) {
      fields.push(...value.filter((k): k is string => typeof k === 'string').map((k) => `tags.${k}`));
    } else if ((member === 'tags' || member === 'Tags') && Array.isArray(value)) {
      fields.push(...value.map(tagKey).filter((k): k is string => k !== undefined).map((k) => `tags.${k}`));
    } else {
      fields.push(member);
    }
  }
  return { target, fields };
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function tagKey(tag: unknown): string | undefined {
  if (tag === null || typeof tag !== 'object') return undefined;
  const key = (tag as { key?: unknown; Key?: unknown }).key ?? (tag as { Key?: unknown }).Key;
  return typeof key === 'string' ? key : undefined;
}

/**
 * The middleware that logs each call once, outside the SDK's retry loop (the call counter counts
 * attempts; this tells the story). Reads go to debug: a resync reads every object, and one info
 * line per read would bury the writes.
 */
export function callLogPlugin<I extends object, O extends object>(service: AwsService, region: string, fallback: Logger): Pluggable<I, O> {
  return {
    applyToStack(stack) {
      stack.add(
        (next, context) => async (args) => {
          const operation = operationName(context);
          const log = contextLogger(fallback);
          const read = isReadOperation(operation);
          const level = read ? 'debug' : 'info';
          if (!log.isLevelEnabled(level)) return next(args);
          const { target, fields } = summarizeRequest(operation, args.input);
          const line = { aws: { service, operation, region }, ...(Object.keys(target).length > 0 ? { target } : {}), ...(fields.length > 0 ? { fields } : {}) };
          const started = performance.now();
          try {
            const result = await next(args);
            log[level]({ ...line, outcome: 'success', durationMs: Math.round(performance.now() - started) }, read ? 'AWS read' : 'AWS write');
            return result;
          } catch (err) {
            // Refused before sending: no AWS call to log (the reconcile logs why it stopped).
            if (err instanceof WorkStoppedError) throw err;
            const info = classifyAwsError(err);
            log[read ? 'debug' : 'warn']({ ...line, outcome: info.code, errorKind: info.kind, error: info.message, durationMs: Math.round(performance.now() - started) }, read ? 'AWS read failed' : 'AWS write failed');
            throw err;
          }
        },
        // Outside the retries and the error classification (both are `initialize` too, added before).
        { step: 'initialize', priority: 'high', name: 'ecsOperatorLogCalls' },
      );
    },
  };
}
