// The API's string sets (subnets, security groups, capabilities, compatibilities) come out of
// src/api's StringSet helper typed as unknown[], since it takes a plain TSchema for the item; this
// narrows them back to the strings the schema guarantees.
export function stringsOf(list: readonly unknown[]): string[];
export function stringsOf(list: readonly unknown[] | undefined): string[] | undefined;
export function stringsOf(list: readonly unknown[] | undefined): string[] | undefined {
  return list?.filter((v): v is string => typeof v === 'string');
}
