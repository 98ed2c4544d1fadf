// The operator's AWS calls carry a user agent of their own (the SDK's `customUserAgent`): CloudTrail
// records each call's User-Agent, so an API call event the events queue brings back can be told
// apart from changes made by others, and ignored. The cluster id is part of it: another
// installation sharing the account makes changes this one must see.
import type { UserAgent } from '@smithy/types';
import { VERSION } from '../observability/version.js';

/** What the SDK puts in a user agent value (its escaping, which anything else becomes "-"). */
const escapeValue = (value: string): string => value.replace(/[^!$%&'*+\-.^_`|~\w#]/g, '-');

/** The customUserAgent of every client of this installation. */
export function operatorUserAgent(clusterId: string, version: string = VERSION): UserAgent {
  return [
    ['ecs-operator', version],
    ['md/ecs-operator-cluster', clusterId],
  ];
}

/** Whether a recorded User-Agent is one this installation's clients sent. */
export function isOperatorUserAgent(userAgent: string, clusterId: string): boolean {
  const parts = userAgent.split(' ');
  return parts.some((p) => p.startsWith('ecs-operator/')) && parts.includes(`md/ecs-operator-cluster#${escapeValue(clusterId)}`);
}
