// EcsAccount: maps namespaces to an AWS identity (an IAM role the operator assumes with STS), so one
// installation serves teams that each have their own AWS account. Cluster-scoped: which account a
// namespace's objects act in is a cluster administrator's decision, never a namespace user's.
import { Type, type Static } from '@sinclair/typebox';
import { Region, StringEnum, Struct, StringMap, type CelRule } from './common.js';
import { API_VERSION } from './constants.js';
import { ObjectMeta } from './resources.js';
import { Condition } from './status.js';

export const ACCOUNT_KIND = 'EcsAccount' as const;
export const ACCOUNT_NAMES = { plural: 'ecsaccounts', singular: 'ecsaccount', shortNames: ['ecsacct'] } as const;
/** The session name the operator gives STS when the manifest names none (CloudTrail shows it). */
export const DEFAULT_SESSION_NAME = 'ecs-operator';

/** An IAM role ARN in any partition; the account is its 12 digits. */
export const ROLE_ARN_PATTERN = '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[a-zA-Z0-9+=,.@_/-]{1,512}$';

const LabelSelectorRequirement = Struct('A label requirement (key, operator, values).', {
  key: Type.String({ description: 'The label key.', minLength: 1, maxLength: 317 }),
  operator: StringEnum(['In', 'NotIn', 'Exists', 'DoesNotExist'], 'In, NotIn, Exists or DoesNotExist.'),
  values: Type.Optional(Type.Array(Type.String({ description: 'A label value.', maxLength: 63 }), { description: 'Values for In and NotIn (at least one); none for Exists and DoesNotExist.', maxItems: 64 })),
}, {
  rules: [
    {
      rule: "self.operator in ['In', 'NotIn'] ? has(self.values) && size(self.values) > 0 : !has(self.values) || size(self.values) == 0",
      message: 'In and NotIn take at least one value; Exists and DoesNotExist take none',
      fieldPath: '.values',
    },
  ],
});

export const NamespaceSelector = Struct('Namespaces by label, as a Kubernetes label selector (matchLabels and matchExpressions, all of which must hold).', {
  matchLabels: Type.Optional(StringMap('Labels a namespace must carry with exactly these values.', { maxProperties: 64, valueMaxLength: 63 })),
  matchExpressions: Type.Optional(Type.Array(LabelSelectorRequirement, { description: 'Requirements a namespace\'s labels must meet.', maxItems: 64 })),
}, {
  rules: [
    {
      rule: '(has(self.matchLabels) && size(self.matchLabels) > 0) || (has(self.matchExpressions) && size(self.matchExpressions) > 0)',
      message: 'an empty selector would take every namespace: give matchLabels or matchExpressions',
    },
  ],
});
export type NamespaceSelector = Static<typeof NamespaceSelector>;

const accountRules: CelRule[] = [
  {
    rule: '(has(self.namespaces) && size(self.namespaces) > 0) || has(self.namespaceSelector)',
    message: 'name the namespaces this account serves (namespaces) or select them by label (namespaceSelector)',
    fieldPath: '.namespaces',
    reason: 'FieldValueRequired',
  },
];

export const EcsAccountSpec = Struct(
  'The AWS identity the objects of some namespaces act with: an IAM role the operator assumes (STS AssumeRole), and the namespaces it serves.',
  {
    roleArn: Type.String({
      description: 'ARN of the IAM role the operator assumes for these namespaces, for example arn:aws:iam::111122223333:role/ecs-operator. Its trust policy must let the operator\'s own role call sts:AssumeRole (with the external ID, when one is set). Every ECS resource of these namespaces lives in this role\'s account.',
      maxLength: 2048,
      pattern: ROLE_ARN_PATTERN,
    }),
    externalId: Type.Optional(
      Type.String({
        description: 'External ID passed to AssumeRole, which the role\'s trust policy can require (condition sts:ExternalId) so that only this operator installation can assume it. 2-1224 characters: letters, digits and + = , . @ : / -.',
        minLength: 2,
        maxLength: 1224,
        pattern: '^[\\w+=,.@:/-]+$',
      }),
    ),
    sessionName: Type.Optional(
      Type.String({
        description: `Role session name, which CloudTrail records with every call the operator makes in the account. Defaults to ${DEFAULT_SESSION_NAME}.`,
        minLength: 2,
        maxLength: 64,
        pattern: '^[\\w+=,.@-]+$',
      }),
    ),
    namespaces: Type.Optional(
      Type.Array(Type.String({ description: 'A namespace name.', minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' }), {
        description: 'Namespaces served, by name (in addition to those namespaceSelector selects).',
        maxItems: 1024,
        'x-kubernetes-list-type': 'set',
      }),
    ),
    namespaceSelector: Type.Optional(NamespaceSelector),
    region: Type.Optional({ ...Region, description: 'Default AWS region of these namespaces\' objects (those that name no region). Defaults to the operator\'s region.' }),
    shard: Type.Optional(
      Type.Integer({
        description: 'With the operator running several shards (--shards N), pins these namespaces to shard `shard mod N` instead of the shard their names hash to, so that one replica serves the whole account.',
        minimum: 0,
        maximum: 1023,
      }),
    ),
  },
  { rules: accountRules },
);
export type EcsAccountSpec = Static<typeof EcsAccountSpec>;

export const EcsAccountStatus = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer({ description: 'metadata.generation the operator last reconciled.', minimum: 0 })),
    conditions: Type.Optional(
      Type.Array(Condition, {
        description: 'Ready (the role was assumed and every namespace is served) and Stalled (the role cannot be assumed, with what STS answered, or a namespace is claimed by another EcsAccount too).',
        maxItems: 16,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['type'],
      }),
    ),
    accountId: Type.Optional(Type.String({ description: 'The AWS account the role belongs to (12 digits).', maxLength: 12 })),
    namespaces: Type.Optional(Type.Array(Type.String({ description: 'A namespace name.', maxLength: 63 }), { description: 'Namespaces this account serves now (named or selected, less those another EcsAccount claims too).', maxItems: 4096 })),
    conflicts: Type.Optional(
      Type.Array(
        Struct('A namespace that several EcsAccounts claim: its objects are refused until only one does.', {
          namespace: Type.String({ description: 'The namespace.', maxLength: 63 }),
          claimedBy: Type.Array(Type.String({ description: 'An EcsAccount name.', maxLength: 253 }), { description: 'The other EcsAccounts that claim it.', maxItems: 64 }),
        }),
        { description: 'Namespaces this account claims that another EcsAccount claims too.', maxItems: 1024 },
      ),
    ),
  },
  { description: 'Observed state of the account mapping, written by the operator.', 'x-kubernetes-preserve-unknown-fields': true },
);
export type EcsAccountStatus = Static<typeof EcsAccountStatus>;

export const EcsAccount = Struct('Maps Kubernetes namespaces to an AWS account: the objects of those namespaces act with an IAM role the operator assumes. Cluster-scoped; only cluster administrators create it.', {
  apiVersion: StringEnum([API_VERSION], `Always ${API_VERSION}.`),
  kind: StringEnum([ACCOUNT_KIND], `Always ${ACCOUNT_KIND}.`),
  metadata: ObjectMeta,
  spec: EcsAccountSpec,
  status: Type.Optional(EcsAccountStatus),
});
export type EcsAccount = Static<typeof EcsAccount>;

/** The 12-digit account of a role ARN (the pattern guarantees one). */
export function accountIdOfRole(roleArn: string): string | undefined {
  return /^arn:aws[a-z-]*:iam::([0-9]{12}):role\//.exec(roleArn)?.[1];
}
