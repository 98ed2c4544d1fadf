// Small valid manifests as YAML text, and a scratch folder to put files in.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function taskDefinitionYaml(name = 'web', opts: { namespace?: string; image?: string } = {}): string {
  return `apiVersion: ecs.operator.dev/v1alpha1
kind: EcsTaskDefinition
metadata:
  name: ${name}${opts.namespace ? `\n  namespace: ${opts.namespace}` : ''}
spec:
  networkMode: awsvpc
  requiresCompatibilities: [FARGATE]
  cpu: "256"
  memory: "512"
  containerDefinitions:
    - name: web
      image: ${opts.image ?? 'public.ecr.aws/nginx/nginx:1.27'}
      portMappings:
        - containerPort: 80
`;
}

export function serviceYaml(name = 'web', opts: { namespace?: string; taskDefinition?: string; desiredCount?: string } = {}): string {
  return `apiVersion: ecs.operator.dev/v1alpha1
kind: EcsService
metadata:
  name: ${name}${opts.namespace ? `\n  namespace: ${opts.namespace}` : ''}
spec:
  cluster: demo
  taskDefinitionRef:
    name: ${opts.taskDefinition ?? name}
  desiredCount: ${opts.desiredCount ?? '2'}
  launchType: FARGATE
  networkConfiguration:
    awsvpcConfiguration:
      subnets: [subnet-0a1b2c3d]
      securityGroups: [sg-0a1b2c3d]
`;
}

export const NAMESPACE_YAML = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
`;

/** A fresh folder; `write` puts a file in it (creating subfolders) and returns its path. */
export async function scratchFolder(): Promise<{ dir: string; write(rel: string, content: string | Uint8Array): Promise<string>; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ecs-operator-sources-'));
  return {
    dir,
    async write(rel, content) {
      const path = join(dir, rel);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
