// The operator knows its own API calls in CloudTrail's records by the user agent its clients send.
import { describe, expect, it } from 'vitest';
import { isOperatorUserAgent, operatorUserAgent } from '../../../src/aws/user-agent.js';

// What the SDK sends: its own parts, then the custom ones, each escaped (see @aws-sdk/core).
const sent = (clusterId: string) => `aws-sdk-js/3.900.0 ua/2.1 os/linux#6.1 lang/js md/nodejs#22.0.0 api/ecs#3.900.0 m/E ecs-operator/1.2.3 md/ecs-operator-cluster#${clusterId.replace(/[^!$%&'*+\-.^_`|~\w#]/g, '-')}`;

describe('operator user agent', () => {
  it('names the operator, its version and the installation', () => {
    expect(operatorUserAgent('prod-eu', '1.2.3')).toEqual([
      ['ecs-operator', '1.2.3'],
      ['md/ecs-operator-cluster', 'prod-eu'],
    ]);
  });

  it("recognises this installation's calls, with cluster ids the SDK escapes too", () => {
    expect(isOperatorUserAgent(sent('prod-eu'), 'prod-eu')).toBe(true);
    expect(isOperatorUserAgent(sent('team/a:b'), 'team/a:b')).toBe(true);
  });

  it("does not take another installation's calls, or anyone else's, for its own", () => {
    expect(isOperatorUserAgent(sent('staging'), 'prod-eu')).toBe(false);
    expect(isOperatorUserAgent('aws-cli/2.15.0 Python/3.11 md/ecs-operator-cluster#prod-eu', 'prod-eu')).toBe(false);
    expect(isOperatorUserAgent('Boto3/1.34 md/Botocore#1.34', 'prod-eu')).toBe(false);
    expect(isOperatorUserAgent('', 'prod-eu')).toBe(false);
  });
});
