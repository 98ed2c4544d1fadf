// The loaded manifests as the reconcilers look them up when running from files: an
// EcsTaskDefinition or EcsCluster by namespace and name (a service's taskDefinitionRef, clusterRef), and the services that
// reference a task definition (they roll out when it registers a revision). The Kubernetes
// controller answers the same questions from its informer cache.
import { KINDS, type EcsCluster, type EcsService, type EcsTaskDefinition } from '../api/index.js';
import type { EcsObject, SourceLocation } from './types.js';

export interface DesiredStateLookup {
  taskDefinition(namespace: string, name: string): EcsTaskDefinition | undefined;
  cluster(namespace: string, name: string): EcsCluster | undefined;
  /** Services whose spec.taskDefinitionRef names this task definition, in source order. */
  servicesReferencing(namespace: string, taskDefinitionName: string): EcsService[];
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;

export class DesiredState implements DesiredStateLookup {
  private readonly clusters = new Map<string, EcsCluster>();
  private readonly taskDefinitions = new Map<string, EcsTaskDefinition>();
  private readonly services = new Map<string, EcsService>();
  private readonly referencing = new Map<string, EcsService[]>();
  private readonly sources = new Map<string, SourceLocation>();

  /** Objects as loadManifests returns them (namespaces set, no duplicates). */
  constructor(objects: readonly EcsObject[]) {
    for (const obj of objects) {
      const { namespace = 'default', name } = obj.manifest.metadata;
      this.sources.set(`${obj.kind}/${key(namespace, name)}`, obj.source);
      if (obj.kind === KINDS.EcsCluster) {
        this.clusters.set(key(namespace, name), obj.manifest);
        continue;
      }
      if (obj.kind === KINDS.EcsTaskDefinition) {
        this.taskDefinitions.set(key(namespace, name), obj.manifest);
        continue;
      }
      // Tasks are looked up by nobody: they only refer to task definitions and clusters.
      if (obj.kind === KINDS.EcsTask) continue;
      if (obj.kind === KINDS.EcsScheduledTask) continue;
      this.services.set(key(namespace, name), obj.manifest);
      const ref = obj.manifest.spec.taskDefinitionRef;
      if (ref) {
        const k = key(namespace, ref.name);
        this.referencing.set(k, [...(this.referencing.get(k) ?? []), obj.manifest]);
      }
    }
  }

  taskDefinition(namespace: string, name: string): EcsTaskDefinition | undefined {
    return this.taskDefinitions.get(key(namespace, name));
  }

  cluster(namespace: string, name: string): EcsCluster | undefined {
    return this.clusters.get(key(namespace, name));
  }

  service(namespace: string, name: string): EcsService | undefined {
    return this.services.get(key(namespace, name));
  }

  servicesReferencing(namespace: string, taskDefinitionName: string): EcsService[] {
    return [...(this.referencing.get(key(namespace, taskDefinitionName)) ?? [])];
  }

  /** Where an object was read from, for messages that point the user at the file. */
  sourceOf(kind: EcsObject['kind'], namespace: string, name: string): SourceLocation | undefined {
    return this.sources.get(`${kind}/${key(namespace, name)}`);
  }
}
