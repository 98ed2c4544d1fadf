// The EventBridge calls of the scheduled task reconciler in event mode: one rule on an event bus,
// its one ECS target, and the rule's tags (where the operator records ownership, as on ECS
// resources). PutRule and PutTargets create or replace, so a repeated call after a crash changes
// nothing; a rule is deleted only once its targets are removed (DeleteRule refuses otherwise).
import type { DescribeRuleResponse, EventBridgeClient, PutRuleRequest, Tag, Target } from '@aws-sdk/client-eventbridge';
import type { LazyClient } from './clients.js';
import { isAwsError } from './errors.js';

export type Rule = DescribeRuleResponse;
export type RuleTarget = Target;

export interface ObservedRule {
  rule: Rule;
  tags: Tag[];
  targets: Target[];
}

export class EventsApi {
  constructor(private readonly events: LazyClient<EventBridgeClient>) {}

  /** The rule with its tags and targets, or undefined when the bus holds no rule of that name. */
  async getRule(eventBusName: string, name: string): Promise<ObservedRule | undefined> {
    const { DescribeRuleCommand, ListTagsForResourceCommand, ListTargetsByRuleCommand } = await import('@aws-sdk/client-eventbridge');
    let rule: Rule;
    try {
      rule = await (await this.events()).send(new DescribeRuleCommand({ Name: name, EventBusName: eventBusName }));
    } catch (err) {
      if (isAwsError(err, 'notFound')) return undefined;
      throw err;
    }
    const [tags, targets] = await Promise.all([
      (await this.events()).send(new ListTagsForResourceCommand({ ResourceARN: rule.Arn ?? '' })),
      // A rule has at most 5 targets: one page holds them all.
      (await this.events()).send(new ListTargetsByRuleCommand({ Rule: name, EventBusName: eventBusName })),
    ]);
    return { rule, tags: tags.Tags ?? [], targets: targets.Targets ?? [] };
  }

  /** Creates or updates the rule (tags are taken on creation only) and returns its ARN. */
  async putRule(input: PutRuleRequest): Promise<string> {
    const { PutRuleCommand } = await import('@aws-sdk/client-eventbridge');
    const out = await (await this.events()).send(new PutRuleCommand(input));
    return out.RuleArn ?? '';
  }

  async putTarget(rule: string, eventBusName: string, target: Target): Promise<void> {
    const { PutTargetsCommand } = await import('@aws-sdk/client-eventbridge');
    const out = await (await this.events()).send(new PutTargetsCommand({ Rule: rule, EventBusName: eventBusName, Targets: [target] }));
    // PutTargets answers 200 with per-target failures: one is an error like any other.
    const failed = out.FailedEntries?.[0];
    if (failed) throw new Error(`EventBridge refused the target of rule ${rule}: ${failed.ErrorCode ?? ''} ${failed.ErrorMessage ?? ''}`.trim());
  }

  async removeTargets(rule: string, eventBusName: string, ids: string[]): Promise<void> {
    const { RemoveTargetsCommand } = await import('@aws-sdk/client-eventbridge');
    if (ids.length === 0) return;
    await (await this.events()).send(new RemoveTargetsCommand({ Rule: rule, EventBusName: eventBusName, Ids: ids }));
  }

  async tagRule(arn: string, tags: Tag[]): Promise<void> {
    const { TagResourceCommand } = await import('@aws-sdk/client-eventbridge');
    await (await this.events()).send(new TagResourceCommand({ ResourceARN: arn, Tags: tags }));
  }

  async untagRule(arn: string, keys: string[]): Promise<void> {
    const { UntagResourceCommand } = await import('@aws-sdk/client-eventbridge');
    await (await this.events()).send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: keys }));
  }

  /** Removes the rule's targets, then the rule; a rule already gone counts as deleted. */
  async deleteRule(eventBusName: string, name: string, targetIds: string[]): Promise<void> {
    const { DeleteRuleCommand } = await import('@aws-sdk/client-eventbridge');
    try {
      await this.removeTargets(name, eventBusName, targetIds);
      await (await this.events()).send(new DeleteRuleCommand({ Name: name, EventBusName: eventBusName }));
    } catch (err) {
      if (!isAwsError(err, 'notFound')) throw err;
    }
  }
}
