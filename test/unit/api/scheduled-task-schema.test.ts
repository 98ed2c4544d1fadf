// The EcsScheduledTask schema and its CEL rules, through the file source's two checks (ajv, then the
// CEL rules), and the checks CEL cannot make (scheduledTaskErrors): each proven to accept what
// EventBridge Scheduler and EventBridge take and to refuse what they would refuse.
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { evaluateCelRules, type FieldError, type SchemaNode } from '../../../src/api/cel.js';
import { EcsScheduledTask, scheduledTaskErrors, type EcsScheduledTaskSpec } from '../../../src/api/index.js';

const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, useDefaults: true });
addFormats.default(ajv, ['date-time']);
for (const keyword of ['x-kubernetes-validations', 'x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-list-map-keys', 'x-kubernetes-list-type']) {
  ajv.addKeyword({ keyword });
}
const validateStructure = ajv.compile(EcsScheduledTask);

const target = {
  cluster: 'batch',
  taskDefinitionRef: { name: 'report' },
  launchType: 'FARGATE',
  networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-0a'] } },
};
const ROLE = 'arn:aws:iam::123456789012:role/run-report';

function errorsOf(spec: Record<string, unknown>, name = 'report'): FieldError[] {
  const manifest = { apiVersion: 'ecs.operator.dev/v1alpha1', kind: 'EcsScheduledTask', metadata: { name }, spec: { roleArn: ROLE, target, ...spec } };
  if (!validateStructure(manifest)) return (validateStructure.errors ?? []).map((e) => ({ path: e.instancePath, message: e.message ?? '' }));
  return evaluateCelRules(EcsScheduledTask as unknown as SchemaNode, manifest);
}
const expression = (e: string) => errorsOf({ schedule: { expression: e } });

describe('schedule expressions', () => {
  it.each(['cron(0 * * * ? *)', 'cron(0/15 8-17 ? * MON-FRI *)', 'rate(1 hour)', 'rate(15 minutes)', 'at(2027-01-01T09:00:00)'])('accepts %s', (e) => {
    expect(expression(e)).toEqual([]);
  });
  it.each([
    ['cron(0 * * * *)', 'six fields'],
    ['cron(0 * * * * *)', 'exactly one of day-of-month and day-of-week is ?'],
    ['cron(0 * ? * ? *)', 'exactly one of day-of-month and day-of-week is ?'],
    ['rate(1 hours)', 'rate(1 minute|hour|day)'],
    ['rate(5 minute)', 'rate(1 minute|hour|day)'],
    ['at(2027-01-01 09:00)', 'at(yyyy-mm-ddThh:mm:ss)'],
    ['every hour', 'cron(...), rate(...) or at(...)'],
  ])('refuses %s', (e, says) => {
    expect(expression(e).map((x) => x.message).join('\n')).toContain(says);
  });
});

describe('modes', () => {
  const pattern = '{"source":["aws.s3"]}';
  it('takes exactly one of schedule and eventPattern', () => {
    expect(errorsOf({ eventPattern: pattern })).toEqual([]);
    expect(errorsOf({}).map((e) => e.message).join()).toContain('exactly one of schedule');
    expect(errorsOf({ eventPattern: pattern, schedule: { expression: 'rate(1 hour)' } }).map((e) => e.message).join()).toContain('exactly one of schedule');
  });
  it('takes eventBusName and inputTransformer with an eventPattern only', () => {
    expect(errorsOf({ schedule: { expression: 'rate(1 hour)' }, eventBusName: 'orders' }).map((e) => e.message).join()).toContain('belong to an eventPattern');
  });
  it('refuses the MANAGED_INSTANCES launch type, which neither service starts', () => {
    expect(errorsOf({ schedule: { expression: 'rate(1 hour)' }, target: { ...target, launchType: 'MANAGED_INSTANCES' } }).map((e) => e.message).join()).toContain('FARGATE, EC2 or EXTERNAL');
  });
  it('needs spec.name when metadata.name is longer than a schedule name', () => {
    expect(errorsOf({ schedule: { expression: 'rate(1 hour)' } }, 'a'.repeat(65)).map((e) => e.message).join()).toContain('set spec.name');
  });
});

describe('what CEL cannot check', () => {
  const spec = (s: Partial<EcsScheduledTaskSpec>): EcsScheduledTaskSpec => ({ roleArn: ROLE, target: target as EcsScheduledTaskSpec['target'], ...s });
  it('refuses an event pattern that is not JSON', () => {
    expect(scheduledTaskErrors(spec({ eventPattern: '{source: aws.s3}' }))[0]?.path).toBe('spec.eventPattern');
  });
  it('refuses a time zone that does not exist', () => {
    expect(scheduledTaskErrors(spec({ schedule: { expression: 'rate(1 hour)', timezone: 'Europe/Pariss' } }))).toEqual([{ path: 'spec.schedule.timezone', message: 'Europe/Pariss is not an IANA time zone' }]);
    expect(scheduledTaskErrors(spec({ schedule: { expression: 'cron(0 9 * * ? *)', timezone: 'America/New_York' } }))).toEqual([]);
  });
  it('refuses an end date before the start date', () => {
    expect(scheduledTaskErrors(spec({ schedule: { expression: 'rate(1 hour)', startDate: '2027-02-01T00:00:00Z', endDate: '2027-01-01T00:00:00Z' } }))[0]?.path).toBe('spec.schedule.endDate');
  });
  it('refuses a <placeholder> that no input path defines', () => {
    const s = spec({
      eventPattern: '{"source":["aws.s3"]}',
      inputTransformer: { inputPathsMap: { key: '$.detail.object.key' } },
      target: { ...(target as EcsScheduledTaskSpec['target']), overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'BUCKET', value: '<bucket>' }] }] } },
    });
    expect(scheduledTaskErrors(s)).toEqual([{ path: 'spec.target.overrides', message: '<bucket> is not a name of spec.inputTransformer.inputPathsMap' }]);
  });
});

describe('event patterns', () => {
  it('takes a JSON object with whitespace around it, as a YAML block scalar leaves it', () => {
    expect(errorsOf({ eventPattern: '{\n  "source": ["aws.s3"]\n}\n' })).toEqual([]);
  });
  it('refuses what is not a JSON object', () => {
    expect(errorsOf({ eventPattern: '["aws.s3"]' })).toEqual([{ path: 'spec.eventPattern', message: 'must be a JSON object' }]);
  });
});
