// ECS names (letters, digits, hyphens and underscores, up to 255 characters, case-sensitive) as
// Kubernetes object names (DNS-1123 subdomains: lowercase, digits, '-' and '.', up to 253). The
// original name stays in the manifest (spec.serviceName, spec.family) whenever the two differ.
import { createHash } from 'node:crypto';

const MAX = 253;

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** A DNS-1123 subdomain for `ecsName`; `taken` keeps two ECS names from becoming one object name. */
export function kubeName(ecsName: string, taken: Set<string>): string {
  let name = ecsName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (name === '') name = 'imported';
  // Lowercasing can make two ECS names (Web and web) one; a hash of the original tells them apart.
  if (name.length > MAX || taken.has(name) || (name !== ecsName && taken.has(name))) {
    const suffix = `-${shortHash(ecsName)}`;
    name = `${name.slice(0, MAX - suffix.length).replace(/-+$/, '')}${suffix}`;
  }
  taken.add(name);
  return name;
}

/** A scaling manifest name (letters, digits, '_', '.', '-'; at most 128) for an AWS policy or action name. */
export function scalingName(awsName: string, taken: Set<string>): string {
  let name = awsName.replace(/[^a-zA-Z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'imported';
  if (name.length > 128 || taken.has(name)) {
    const suffix = `-${shortHash(awsName)}`;
    name = `${name.slice(0, 128 - suffix.length)}${suffix}`;
  }
  taken.add(name);
  return name;
}
