// Building blocks shared by the kinds. Every schema here is plain JSON Schema (TypeBox), written
// so that the same object serves three readers: TypeScript (Static<>), ajv (the file source) and
// the API server (the generated CRD). Anything the API server would not accept in a structural
// schema is either avoided or translated in crd.ts.
import { Type, type ObjectOptions, type Static, type SchemaOptions, type TObject, type TProperties, type TSchema, type TUnsafe } from '@sinclair/typebox';

/** A CEL rule, written exactly as it goes into the CRD's `x-kubernetes-validations`. */
export interface CelRule {
  rule: string;
  /** What a person reads when the rule fails: say what is wrong and how to fix it. */
  message: string;
  /**
   * A CEL expression giving the message from the object's values (a container's name, the value
   * that does not fit). The API server falls back to `message` when it cannot evaluate it.
   */
  messageExpression?: string;
  /** Where the API server reports the error, relative to the node that holds the rule. */
  fieldPath?: string;
  // FieldValueDuplicate is left out on purpose: the API server prints it without the message.
  reason?: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueForbidden';
}

export const CEL_RULES_KEY = 'x-kubernetes-validations';

interface StructOptions extends Omit<ObjectOptions, 'description'> {
  rules?: CelRule[];
}

/**
 * An object that declares all its fields. `additionalProperties: false` makes ajv reject unknown
 * fields in files, which is what the API server does with kubectl's strict field validation; the
 * CRD generator drops the keyword because structural schemas express it by pruning instead.
 */
export function Struct<T extends TProperties>(description: string, properties: T, options: StructOptions = {}): TObject<T> {
  const { rules, ...rest } = options;
  return Type.Object(properties, {
    description,
    additionalProperties: false,
    ...rest,
    ...(rules && rules.length > 0 ? { [CEL_RULES_KEY]: rules } : {}),
  });
}

/** A string enum spelled exactly as ECS spells it (`type: string` + `enum`, which structural schemas accept). */
export function StringEnum<const T extends readonly string[]>(values: T, description: string, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description, ...options });
}

/** A string-to-string map (`additionalProperties` form, as structural schemas require). */
export function StringMap(description: string, options: { maxProperties?: number; valueMaxLength?: number } = {}): TUnsafe<Record<string, string>> {
  return Type.Unsafe<Record<string, string>>({
    type: 'object',
    description,
    additionalProperties: { type: 'string', description: 'A value.', maxLength: options.valueMaxLength ?? 4096 },
    maxProperties: options.maxProperties ?? 64,
  });
}

/**
 * An ECS size given either as a number or as a numeric string (`256` or `"256"`): ECS's task
 * definition JSON uses strings, YAML authors write numbers, and both mean the same.
 */
export function IntOrNumericString(description: string): TUnsafe<number | string> {
  return Type.Unsafe<number | string>({
    description,
    'x-kubernetes-int-or-string': true,
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    pattern: '^[0-9]+$',
    maxLength: 10,
  });
}

/** Anything JSON; kept as is by the API server (used in status for values of any shape). */
export function AnyJson(description: string): TUnsafe<unknown> {
  return Type.Unsafe<unknown>({ description, 'x-kubernetes-preserve-unknown-fields': true });
}

/** Shorthand for a list whose items must be unique (a set in server-side apply terms). */
export function StringSet(description: string, item: TSchema, maxItems: number, options: SchemaOptions = {}) {
  return Type.Array(item, { description, maxItems, 'x-kubernetes-list-type': 'set', ...options });
}

/** A CEL rule asserting that `key` is unique among the list's items; the list holds the rule. */
export function uniqueBy(key: string, what: string): CelRule {
  return {
    rule: `self.all(a, self.exists_one(b, b.${key} == a.${key}))`,
    message: `${what} must be unique`,
  };
}

// ECS names (service, family, container, capacity provider...) allow letters, digits, '-' and '_'.
export const ECS_NAME_PATTERN = '^[a-zA-Z0-9_-]+$';

export function EcsName(description: string, maxLength = 255) {
  return Type.String({ description, minLength: 1, maxLength, pattern: ECS_NAME_PATTERN });
}

/**
 * The region prefixes of every AWS partition, as the AWS SDK's partition data lists them (aws,
 * aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc). A region outside them
 * has no endpoint: the SDK would send its calls to a host that does not resolve, and the object
 * would wait on a network error instead of saying what is wrong. New regions of these partitions
 * match without a change here.
 */
const AWS_REGION_PATTERN = '^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso|us-isob|us-isof|eu-isoe|eusc-de)-[a-z]+-[0-9]+$';

const AWS_REGION = new RegExp(AWS_REGION_PATTERN);

/** True for a region of some AWS partition (see AWS_REGION_PATTERN); for flags and environment variables. */
export function isAwsRegion(region: string): boolean {
  return AWS_REGION.test(region);
}

export const Region = Type.String({
  description: 'AWS region of the ECS resources, for example us-east-1. Defaults to the region the operator is configured with.',
  pattern: '^[a-z]{2,4}(-[a-z]+)+-[0-9]+$',
  maxLength: 32,
  [CEL_RULES_KEY]: [
    {
      rule: `self.matches('${AWS_REGION_PATTERN}')`,
      message: 'must be an AWS region such as us-east-1, eu-west-1 or cn-north-1: this one is in no AWS partition',
    } satisfies CelRule,
  ],
});

export const IamRoleArn = (description: string) =>
  Type.String({
    description: `${description} An IAM role ARN (arn:aws:iam::123456789012:role/name) or a role name.`,
    minLength: 1,
    maxLength: 2048,
    pattern: '^(arn:aws[a-z-]*:iam::[0-9]{12}:role/)?[a-zA-Z0-9+=,.@_/-]+$',
  });

export const DriftPolicy = StringEnum(['Correct', 'Report'], 'What the operator does when ECS differs from this manifest: Correct puts ECS back to the manifest (and records an Event); Report only records the differences in status.drift and the Drifted condition and writes nothing to AWS. Defaults to Correct.', { default: 'Correct' });

export const DeletionPolicy = StringEnum(['Delete', 'Retain'], 'What happens in ECS when this object is deleted: Delete removes what the operator created for it; Retain leaves ECS untouched and only removes the Kubernetes object. Defaults to Delete.', { default: 'Delete' });

// The characters ECS takes in a tag key or value (the TagKey and TagValue patterns of the ECS
// service model, botocore ecs/2014-11-13/service-2.json); anything else is refused by RegisterTaskDefinition,
// CreateService and TagResource with a validation error.
const TAG_CHARACTERS = '^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]*$';

export const Tag = Struct('A tag on the ECS resource.', {
  key: Type.String({ description: 'Tag key (1-128 characters: letters, digits, spaces and _ . : / = + - @). Keys starting with aws: are reserved by AWS.', minLength: 1, maxLength: 128, pattern: TAG_CHARACTERS }),
  value: Type.String({ description: 'Tag value (up to 256 characters: letters, digits, spaces and _ . : / = + - @).', maxLength: 256, pattern: TAG_CHARACTERS }),
});

export type Tag = Static<typeof Tag>;

/** ECS takes at most 50 tags on a resource, the operator's own ownership tags included: a list
 * holds 50 minus the `reserved` tags the operator adds to it. */
export function Tags(description: string, reserved: number) {
  return Type.Array(Tag, {
    description,
    maxItems: 50 - reserved,
    [CEL_RULES_KEY]: [
      uniqueBy('key', 'tag keys'),
      {
        rule: "self.all(t, !t.key.startsWith('aws:'))",
        message: 'tag keys starting with aws: are reserved by AWS',
      },
    ] satisfies CelRule[],
  });
}

export const KeyValuePair = (what: string) =>
  Struct(`A ${what} name and value.`, {
    name: Type.String({ description: `Name of the ${what}.`, minLength: 1, maxLength: 255 }),
    value: Type.String({ description: `Value of the ${what}.`, maxLength: 32768 }),
  });
