// Ownership of AWS resources, recorded where it survives anything: as tags on the resource. A
// revision or service carries the operator installation and the object that made it, so a restart,
// a lost status or a second object claiming the same name can always be told apart.
import { createHash } from 'node:crypto';
import type { Tag } from '../api/index.js';
import type { OwnerIdentity } from './outcome.js';

const PREFIX = 'ecs.operator.dev/';
/** `<namespace>/<name>` of the object that owns the resource. */
export const OWNER_TAG = `${PREFIX}owner`;
/** The operator installation (OwnerIdentity.clusterId) that owns the resource. */
export const CLUSTER_TAG = `${PREFIX}cluster`;
/**
 * The AWS account the object acted in through an EcsAccount role. Absent on resources made with the
 * operator's own identity (as every resource made before accounts existed is), so those stay ours.
 */
export const ACCOUNT_TAG = `${PREFIX}account`;
/** On a task definition revision: the hash of the normalized spec it was registered from. */
export const SPEC_HASH_TAG = `${PREFIX}spec-hash`;

// ECS tag values hold at most 256 characters; a namespace and a name can together exceed that.
const TAG_VALUE_MAX = 256;

export function ownerValue(owner: Pick<OwnerIdentity, 'namespace' | 'name'>): string {
  const value = `${owner.namespace}/${owner.name}`;
  if (value.length <= TAG_VALUE_MAX) return value;
  const digest = createHash('sha256').update(value).digest('hex').slice(0, 16);
  return `${value.slice(0, TAG_VALUE_MAX - digest.length - 1)}_${digest}`;
}

export function ownerTags(owner: OwnerIdentity): Tag[] {
  return [
    { key: CLUSTER_TAG, value: owner.clusterId },
    { key: OWNER_TAG, value: ownerValue(owner) },
    ...(owner.account === undefined ? [] : [{ key: ACCOUNT_TAG, value: owner.account }]),
  ];
}

export type Ownership = { kind: 'owned' } | { kind: 'unowned' } | { kind: 'other'; owner: string };

/** Whose the resource is, read from its tags. */
export function ownershipOf(tags: readonly { key?: string; value?: string }[] | undefined, owner: OwnerIdentity): Ownership {
  const get = (key: string) => tags?.find((t) => t.key === key)?.value;
  const ownerTag = get(OWNER_TAG);
  if (ownerTag === undefined) return { kind: 'unowned' };
  const clusterTag = get(CLUSTER_TAG) ?? '';
  const accountTag = get(ACCOUNT_TAG);
  if (ownerTag === ownerValue(owner) && clusterTag === owner.clusterId && accountTag === owner.account) return { kind: 'owned' };
  const installation = clusterTag === owner.clusterId ? '' : ` (operator installation ${clusterTag || 'unknown'})`;
  const identity = accountTag === owner.account ? '' : accountTag === undefined ? ' (made with the operator\'s own identity, not an EcsAccount role)' : ` (made through an EcsAccount role of account ${accountTag})`;
  return { kind: 'other', owner: `${ownerTag}${installation}${identity}` };
}

/**
 * Tags a manifest can never manage: `aws:` keys are reserved by AWS (and ECS adds some itself), and
 * the operator's own keys are written by the operator, not by the manifest.
 */
export function isReservedTagKey(key: string): boolean {
  return key.startsWith('aws:') || key.startsWith(PREFIX);
}

/**
 * A deterministic CreateService idempotency token (ECS takes up to 36 ASCII characters): the same
 * object asking for the same service with the same request always sends the same token, so a
 * repeated create after a crash returns the existing service instead of making a second one.
 */
export function clientTokenFor(owner: OwnerIdentity, ...parts: string[]): string {
  const identity = [owner.clusterId, owner.kind, owner.namespace, owner.name, owner.uid ?? '', ...parts].join('\n');
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}
