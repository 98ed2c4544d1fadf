// `ecs-operator import`, source-agnostic: what one cluster runs, read from AWS (read.ts), as
// manifests (translate.ts), one document set per service with a header saying where it came from.
import { dump } from 'js-yaml';
import { validateManifest, type EcsService, type EcsTaskDefinition } from '../api/index.js';
import type { RegionAdapter } from '../aws/adapter.js';
import { parseFamilyRevision } from '../reconcile/task-definition-names.js';
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

export interface ImportResult {
  services: ImportedService[];
}

export interface ImportContext {
  region: string;
  /** When the reading was made, for the headers. */
  now: Date;
}

const yaml = (doc: object) => dump(doc, { lineWidth: -1, noRefs: true }).trimEnd();
const comment = (text: string) => `# ${text.replace(/\r?\n/g, ' ')}`;

/**
 * Where the EcsCluster kind will plug in: its manifest, written ahead of the services, once the
 * kind exists. Until then a cluster is named by spec.cluster and nothing more is written.
 */
function clusterDocuments(_cluster: string, _reading: ClusterReading): object[] {
  return [];
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
    const svc = translateService(observed, { service: name, taskDefinition: tdName }, ctx.region);
    manifests.push(svc.manifest);
    unexpressed.push(...svc.unexpressed);
    for (const m of manifests) {
      const valid = validateManifest(m);
      if (!valid.ok) unexpressed.push(...valid.errors.map((e) => ({ field: `${m.kind}/${m.metadata.name} ${e.path}`, reason: e.message })));
    }
    const account = serviceArn.split(':')[4] ?? 'unknown';
    const header = [
      comment(`Imported by ecs-operator import at ${ctx.now.toISOString().replace(/\.\d{3}Z$/, 'Z')}`),
      comment(`from account ${account}, region ${ctx.region}, cluster ${cluster}`),
      comment(`service ${serviceArn}`),
      comment(`running ${tdArn}`),
      ...(unexpressed.length > 0 ? [comment('Not imported (the manifests cannot express these settings; applying leaves them as they are):'), ...unexpressed.map((u) => comment(`  ${u.field}: ${u.reason}`))] : []),
    ].join('\n');
    out.push({ name, serviceArn, manifests, unexpressed, text: `${header}\n${manifests.map(yaml).join('\n---\n')}\n` });
  }
  const clusterDocs = clusterDocuments(cluster, reading);
  if (clusterDocs.length > 0 && out[0]) out[0] = { ...out[0], text: `${clusterDocs.map(yaml).join('\n---\n')}\n---\n${out[0].text}` };
  return { services: out };
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
