// `ecs-operator import`, source-agnostic: what one cluster runs, read from AWS (read.ts), as
// manifests (translate.ts), one document set per service with a header saying where it came from.
import { dump } from 'js-yaml';
import type { EcsCluster, EcsService, EcsTaskDefinition } from '../api/index.js';
import { validateManifest } from '../api/validate.js';
import type { RegionAdapter } from '../aws/adapter.js';
import { parseFamilyRevision } from '../reconcile/task-definition-names.js';
import { translateCluster } from './cluster.js';
import { kubeName } from './names.js';
import { readCluster, type ClusterReading } from './read.js';
import { translateService, translateTaskDefinition } from './translate.js';
import type { Unexpressed } from './schema-fit.js';

export type { Unexpressed } from './schema-fit.js';

export interface ImportedService {
  /** metadata.name of the EcsService: the file is named after it. */
  name: string;
  serviceArn: string;
  /** The YAML documents, header first. */
  text: string;
  manifests: Array<EcsTaskDefinition | EcsService>;
  /** Settings of this service (or its task definition) the manifests cannot express. */
  unexpressed: Unexpressed[];
}

export interface ImportedCluster {
  /** metadata.name of the EcsCluster the services name by clusterRef. */
  name: string;
  clusterArn: string;
  manifest: EcsCluster;
  /** Settings of the cluster the manifest cannot express. */
  unexpressed: Unexpressed[];
}

export interface ImportResult {
  services: ImportedService[];
  /** Written ahead of the first service, in its file. */
  cluster?: ImportedCluster;
}

export interface ImportContext {
  region: string;
  /** When the reading was made, for the headers. */
  now: Date;
}

const yaml = (doc: object) => dump(doc, { lineWidth: -1, noRefs: true }).trimEnd();
const comment = (text: string) => `# ${text.replace(/\r?\n/g, ' ')}`;

/** The EcsCluster of the reading, under its header; the services then name it by clusterRef. */
function clusterDocuments(reading: ClusterReading, ctx: ImportContext): { cluster: ImportedCluster; text: string } | undefined {
  if (!reading.cluster) return undefined;
  const c = reading.cluster.cluster;
  const clusterArn = c.clusterArn ?? '';
  const name = kubeName(c.clusterName ?? clusterArn, new Set());
  const { manifest, unexpressed } = translateCluster(reading.cluster, name, ctx.region);
  const valid = validateManifest(manifest);
  if (!valid.ok) unexpressed.push(...valid.errors.map((e) => ({ field: `${manifest.kind}/${name} ${e.path}`, reason: e.message })));
  const header = [
    comment(`Imported by ecs-operator import at ${stamp(ctx.now)}`),
    comment(`from account ${clusterArn.split(':')[4] ?? 'unknown'}, region ${ctx.region}`),
    comment(`cluster ${clusterArn}`),
    ...notImported(unexpressed),
  ].join('\n');
  return { cluster: { name, clusterArn, manifest, unexpressed }, text: `${header}\n${yaml(manifest)}\n` };
}

const stamp = (now: Date) => now.toISOString().replace(/\.\d{3}Z$/, 'Z');

function notImported(unexpressed: readonly Unexpressed[]): string[] {
  if (unexpressed.length === 0) return [];
  return [comment('Not imported (the manifests cannot express these settings; applying leaves them as they are):'), ...unexpressed.map((u) => comment(`  ${u.field}: ${u.reason}`))];
}

/** Object names for each revision: the family, or family-revision when services run several revisions of one family. */
function taskDefinitionNames(arns: readonly string[]): Map<string, string> {
  const families = new Map<string, number>();
  for (const arn of arns) {
    const { family } = parseFamilyRevision(arn);
    families.set(family, (families.get(family) ?? 0) + 1);
  }
  const taken = new Set<string>();
  return new Map(
    [...arns].sort().map((arn) => {
      const { family, revision } = parseFamilyRevision(arn);
      return [arn, kubeName((families.get(family) ?? 0) > 1 ? `${family}-${revision ?? 0}` : family, taken)];
    }),
  );
}

/** The manifests of a reading. Pure. */
export function manifestsOf(cluster: string, reading: ClusterReading, ctx: ImportContext): ImportResult {
  const imported = clusterDocuments(reading, ctx);
  const services = [...reading.services].sort((a, b) => (a.service.serviceName ?? '').localeCompare(b.service.serviceName ?? ''));
  const tdNames = taskDefinitionNames([...reading.taskDefinitions.keys()]);
  const serviceNames = new Set<string>();
  const written = new Set<string>();
  const out: ImportedService[] = [];
  for (const observed of services) {
    const s = observed.service;
    const serviceArn = s.serviceArn ?? '';
    const tdArn = s.taskDefinition ?? '';
    const record = reading.taskDefinitions.get(tdArn);
    const name = kubeName(s.serviceName ?? serviceArn, serviceNames);
    const tdName = tdNames.get(tdArn) ?? name;
    const unexpressed: Unexpressed[] = [];
    const manifests: Array<EcsTaskDefinition | EcsService> = [];
    // A revision several services run is written once, with the first of them.
    if (record && !written.has(tdArn)) {
      written.add(tdArn);
      const td = translateTaskDefinition(record, tdName, ctx.region);
      manifests.push(td.manifest);
      unexpressed.push(...td.unexpressed);
    }
    const svc = translateService(observed, { service: name, taskDefinition: tdName, ...(imported ? { cluster: imported.cluster.name } : {}) }, ctx.region);
    manifests.push(svc.manifest);
    unexpressed.push(...svc.unexpressed);
    for (const m of manifests) {
      const valid = validateManifest(m);
      if (!valid.ok) unexpressed.push(...valid.errors.map((e) => ({ field: `${m.kind}/${m.metadata.name} ${e.path}`, reason: e.message })));
    }
    const account = serviceArn.split(':')[4] ?? 'unknown';
    const header = [
      comment(`Imported by ecs-operator import at ${stamp(ctx.now)}`),
      comment(`from account ${account}, region ${ctx.region}, cluster ${cluster}`),
      comment(`service ${serviceArn}`),
      comment(`running ${tdArn}`),
      ...notImported(unexpressed),
    ].join('\n');
    out.push({ name, serviceArn, manifests, unexpressed, text: `${header}\n${manifests.map(yaml).join('\n---\n')}\n` });
  }
  if (!imported) return { services: out };
  if (out[0]) out[0] = { ...out[0], text: `${imported.text}---\n${out[0].text}` };
  return { services: out, cluster: imported.cluster };
}

export interface ImportOptions {
  cluster: string;
  /** Only these services (names or ARNs); all of the cluster's when empty. */
  services?: readonly string[];
  now?: Date;
}

export async function importCluster(region: RegionAdapter, opts: ImportOptions): Promise<ImportResult> {
  const now = opts.now ?? new Date();
  const reading = await readCluster(region, opts.cluster, opts.services);
  return manifestsOf(opts.cluster, reading, { region: region.region, now });
}
