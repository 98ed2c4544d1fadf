// Lives here because this helper owns test/unit/controller/; it tests src/config/.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseDuration, formatDuration } from '../../../src/config/duration.js';
import { addOperatorOptions, ConfigError, describeConfig, parseOperatorConfig, resolveOperatorConfig } from '../../../src/config/operator-config.js';

describe('operator configuration', () => {
  it('has sensible defaults: all namespaces, 5 minute resync, leader election on', () => {
    const c = parseOperatorConfig([], { POD_NAME: 'op-0' });
    expect(c.namespaces).toEqual([]);
    expect(c.resyncPeriodMs).toBe(300_000);
    expect(c.concurrency).toBe(20);
    expect(c.leaderElection).toMatchObject({ enabled: true, name: 'ecs-operator', namespace: 'default', identity: 'op-0', leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });
    expect(c.httpAddress).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(c.logLevel).toBe('info');
  });

  it('reads flags first, then environment variables', () => {
    const env = { ECS_OPERATOR_CONCURRENCY: '8', ECS_OPERATOR_NAMESPACES: 'a,b', AWS_REGION: 'eu-west-1', POD_NAMESPACE: 'ops' };
    const c = parseOperatorConfig(['--concurrency', '16', '--resync-period', '2m30s', '--no-leader-elect', '--http-address', '127.0.0.1:9090'], env);
    expect(c.concurrency).toBe(16);
    expect(c.namespaces).toEqual(['a', 'b']);
    expect(c.resyncPeriodMs).toBe(150_000);
    expect(c.leaderElection.enabled).toBe(false);
    expect(c.leaderElection.namespace).toBe('ops');
    expect(c.aws.region).toBe('eu-west-1');
    expect(c.httpAddress).toEqual({ host: '127.0.0.1', port: 9090 });
  });

  it('with an events queue, resyncs hourly unless told otherwise, and falls back to 5 minutes while the queue fails', () => {
    const url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/ecs-operator-events';
    const c = parseOperatorConfig(['--events-queue', url], {});
    expect(c.eventsQueue).toEqual({ url, fallbackResyncPeriodMs: 300_000 });
    expect(c.resyncPeriodMs).toBe(3_600_000);
    const explicit = parseOperatorConfig(['--resync-period', '10m', '--events-fallback-resync-period', '1m'], { ECS_OPERATOR_EVENTS_QUEUE: url });
    expect(explicit.resyncPeriodMs).toBe(600_000);
    expect(explicit.eventsQueue).toEqual({ url, fallbackResyncPeriodMs: 60_000 });
    expect(parseOperatorConfig([], {}).eventsQueue).toBeUndefined();
    expect(() => parseOperatorConfig(['--events-queue', 'ecs-operator-events'], {})).toThrow(/events queue must be an SQS queue URL/);
  });

  it('names the AWS flags --region and --endpoint as apply and drift do, and still takes the old --aws-* names without listing them', () => {
    const c = parseOperatorConfig(['--region', 'eu-west-1', '--endpoint', 'http://localhost:5000'], {});
    expect(c.aws).toMatchObject({ region: 'eu-west-1', endpoint: 'http://localhost:5000' });
    const old = parseOperatorConfig(['--aws-region', 'eu-central-1', '--aws-endpoint', 'http://localhost:5001'], {});
    expect(old.aws).toMatchObject({ region: 'eu-central-1', endpoint: 'http://localhost:5001' });
    const help = addOperatorOptions(new Command('run')).helpInformation();
    expect(help).toContain('--region <region>');
    expect(help).toContain('--endpoint <url>');
    expect(help).not.toContain('--aws-');
  });

  it('turns leader election off from the environment too', () => {
    expect(parseOperatorConfig([], { ECS_OPERATOR_LEADER_ELECT: 'false' }).leaderElection.enabled).toBe(false);
  });

  it('reports every invalid setting at once', () => {
    try {
      parseOperatorConfig(['--concurrency', '0', '--resync-period', 'soon', '--log-level', 'loud', '--aws-endpoint', 'not a url', '--renew-deadline', '20s', '--aws-region', 'xx-fake-1'], {});
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/concurrency/);
      expect(problems).toMatch(/resync period/);
      expect(problems).toMatch(/log level/);
      expect(problems).toMatch(/AWS endpoint/);
      expect(problems).toMatch(/renew deadline must be shorter/);
      expect(problems).toMatch(/AWS region "xx-fake-1" is not a region of any AWS partition/);
    }
  });

  it('shards: 1 by default (one leader), from --shards or ECS_OPERATOR_SHARDS, and only with leader election', () => {
    expect(parseOperatorConfig([], {}).shards).toBe(1);
    expect(parseOperatorConfig(['--shards', '4'], {}).shards).toBe(4);
    expect(parseOperatorConfig([], { ECS_OPERATOR_SHARDS: '8' }).shards).toBe(8);
    expect(describeConfig(parseOperatorConfig(['--shards=4'], {})).shards).toBe(4);
    expect(() => parseOperatorConfig(['--shards', '0'], {})).toThrow(/shards must be a whole number from 1 to 256/);
    expect(() => parseOperatorConfig(['--shards', '2', '--no-leader-elect'], {})).toThrow(/--shards over 1 needs leader election/);
    expect(parseOperatorConfig(['--shards', '1', '--no-leader-elect'], {}).shards).toBe(1);
  });

  it('rejects unknown flags', () => {
    expect(() => parseOperatorConfig(['--concurency', '3'], {})).toThrow(ConfigError);
  });

  it('prints without credentials embedded in the endpoint URL', () => {
    const c = parseOperatorConfig(['--aws-endpoint', 'http://user:s3cret@localhost:5000'], {});
    const printed = JSON.stringify(describeConfig(c));
    expect(printed).not.toContain('s3cret');
    expect(printed).toContain('localhost:5000');
    expect(describeConfig(c).resyncPeriod).toBe('5m');
  });

  it('can be mounted on the CLI\'s own command', () => {
    const cmd = addOperatorOptions(new Command('run')).exitOverride();
    cmd.parse(['--namespaces', 'x', '--log-level', 'debug'], { from: 'user' });
    const c = resolveOperatorConfig(cmd, { ECS_OPERATOR_NAMESPACES: 'ignored' });
    expect(c.namespaces).toEqual(['x']);
    expect(c.logLevel).toBe('debug');
  });

  it('parses and prints durations', () => {
    expect(parseDuration('300ms')).toBe(300);
    expect(parseDuration('1h2m3s')).toBe(3_723_000);
    expect(parseDuration('45')).toBe(45_000);
    expect(parseDuration('5 minutes')).toBeUndefined();
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(1500)).toBe('1500ms');
  });
});
