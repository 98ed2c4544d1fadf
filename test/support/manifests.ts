// The manifests the end-to-end tests apply with kubectl: a Fargate EcsTaskDefinition and an
// EcsService on the test's VPC. Each file adds what its tests are about (counts, capacity
// providers, autoscaling, ...) as spec fields; a field given as undefined is dropped from the
// manifest when it is serialized, which is how a test leaves out one of the defaults.
import { API_VERSION, KINDS } from '../../src/api/index.js';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}

/** Where a service runs: World (test/integration/reconcile-support.ts) has all of it. */
export interface ServicePlacement {
  cluster: string;
  subnets: string[];
  securityGroup: string;
}

export interface TaskDefinitionOptions {
  /** The one container's image; nginx:1.27 unless a test changes it. */
  image?: string;
  containerName?: string;
  /** Container ports, each a port mapping; none gives a container without portMappings. */
  ports?: number[];
  executionRoleArn?: string;
  /** More spec fields (family, ...), after the defaults. */
  spec?: Record<string, unknown>;
}

/** A Fargate task definition (awsvpc, 256 CPU units, 512 MiB) with one container. */
export function taskDefinitionManifest(name: string, opts: TaskDefinitionOptions = {}): Manifest {
  const { image = 'nginx:1.27', containerName = 'web', ports = [80] } = opts;
  return {
    apiVersion: API_VERSION,
    kind: KINDS.EcsTaskDefinition,
    metadata: { name },
    spec: {
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      ...(opts.executionRoleArn === undefined ? {} : { executionRoleArn: opts.executionRoleArn }),
      containerDefinitions: [{ name: containerName, image, ...(ports.length > 0 ? { portMappings: ports.map((containerPort) => ({ containerPort })) } : {}) }],
      ...opts.spec,
    },
  };
}

/**
 * A service in `placement`'s cluster, subnets and security group, running the task definition of
 * the same name; `spec` adds to or overrides that (desiredCount and launch settings included).
 */
export function serviceManifest(placement: ServicePlacement, name: string, spec: Record<string, unknown> = {}): Manifest {
  return {
    apiVersion: API_VERSION,
    kind: KINDS.EcsService,
    metadata: { name },
    spec: {
      cluster: placement.cluster,
      taskDefinitionRef: { name },
      networkConfiguration: { awsvpcConfiguration: { subnets: placement.subnets, securityGroups: [placement.securityGroup] } },
      ...spec,
    },
  };
}
