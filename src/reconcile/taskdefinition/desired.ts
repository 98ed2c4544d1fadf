// What an EcsTaskDefinition asks ECS for: the RegisterTaskDefinition request, its normalized form
// and the hash of that form, which is the revision's identity across restarts. Tags are not part of
// that identity: ECS tags a revision in place (TagResource), so a tag edit registers nothing.
import { Compatibility, type ContainerDefinition, type RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { familyOf, type ContainerDefinition as ContainerSpec, type EcsTaskDefinition, type Tag } from '../../api/index.js';
import { hashOf, sortedBy, type JsonObject } from '../canonical.js';
import type { OwnerIdentity } from '../outcome.js';
import { stringsOf } from '../string-sets.js';
import { isReservedTagKey, ownerTags, SPEC_HASH_TAG } from '../ownership.js';
import { canonicalTaskDefinition } from './normalize.js';

export interface DesiredTaskDefinition {
  family: string;
  region: string;
  /** The request without tags (registerRequest adds them). */
  request: RegisterTaskDefinitionCommandInput;
  /** The manifest's own tags (the operator's are added on registration). */
  userTags: Tag[];
  /** The revision's content, normalized (tags are not content). */
  canonical: JsonObject;
  /** Hash of the canonical form and the region: equal hashes mean the same revision content. */
  specHash: string;
  /** What the spec asks of AWS: the content, the region and the tags (see reconciledSpecDigest). */
  specDigest: string;
}

export function desiredTaskDefinition(td: EcsTaskDefinition, region: string): DesiredTaskDefinition {
  // Operator-only fields are not part of the revision.
  const { region: _region, revisionHistoryLimit: _limit, driftPolicy: _drift, deletionPolicy: _deletion, adoptExisting: _adopt, family: _family, tags, cpu, memory, requiresCompatibilities, containerDefinitions, ...rest } = td.spec;
  const family = familyOf(td);
  const request: RegisterTaskDefinitionCommandInput = {
    ...rest,
    family,
    requiresCompatibilities: requiresCompatibilities?.filter(isCompatibility),
    containerDefinitions: containerDefinitions.map(containerRequest),
    // ECS takes task sizes as strings; manifests may write numbers.
    cpu: cpu === undefined ? undefined : String(cpu),
    memory: memory === undefined ? undefined : String(memory),
  };
  const userTags = userTagsOf(tags);
  const canonical = canonicalTaskDefinition(request);
  const specHash = hashOf({ region, canonical });
  return { family, region, request, userTags, canonical, specHash, specDigest: hashOf({ specHash, tags: sortedBy(userTags, (t) => t.key) }) };
}

const COMPATIBILITIES: readonly unknown[] = Object.values(Compatibility);
const isCompatibility = (value: unknown): value is Compatibility => COMPATIBILITIES.includes(value);

function containerRequest(c: ContainerSpec): ContainerDefinition {
  const { linuxParameters, ...rest } = c;
  if (!linuxParameters) return rest;
  const { capabilities, ...params } = linuxParameters;
  return { ...rest, linuxParameters: { ...params, ...(capabilities ? { capabilities: { add: stringsOf(capabilities.add), drop: stringsOf(capabilities.drop) } } : {}) } };
}

/** Tags a manifest manages: everything but AWS's and the operator's own keys. */
export function userTagsOf(tags: readonly { key?: string; value?: string }[] | undefined): Tag[] {
  return (tags ?? []).flatMap((t) => (t.key !== undefined && !isReservedTagKey(t.key) ? [{ key: t.key, value: t.value ?? '' }] : []));
}

/** The request as sent: tagged with the owner and the spec hash, so the revision can be found again. */
export function registerRequest(desired: DesiredTaskDefinition, owner: OwnerIdentity): RegisterTaskDefinitionCommandInput {
  return { ...desired.request, tags: [...desired.userTags, ...ownerTags(owner), { key: SPEC_HASH_TAG, value: desired.specHash }] };
}
