// The task's volumes from compose mounts and ecs-params docker_volumes/efs_volumes, named as
// ecs-cli named them.
import { isAbsolute, resolve } from 'node:path';
import type { EcsTaskDefinition } from '../api/index.js';
import type { ComposeProject, MountSource } from './compose.js';
import type { EcsParams } from './ecs-params.js';
import type { Node } from './yaml-file.js';

type VolumeSpec = NonNullable<EcsTaskDefinition['spec']['volumes']>[number];

/**
 * The task's volumes as ecs-cli named them (adapter.GetSourcePathAndUpdateVolumes): a host path
 * or an anonymous volume becomes `volume-N`, N being the number of volumes known at that point
 * (named volumes first); named volumes keep their name and take their Docker or EFS
 * configuration from ecs-params by name.
 */
export class VolumeTable {
  private readonly withHost = new Map<string, string>();
  private readonly emptyHost: string[] = [];

  constructor(
    compose: ComposeProject,
    private readonly params: EcsParams | undefined,
    private readonly composeDir: string,
    private readonly notes: string[],
  ) {
    for (const v of compose.volumes) this.emptyHost.push(v.name);
  }

  private nextName(): string {
    return `volume-${this.withHost.size + this.emptyHost.length}`;
  }

  mount(source: MountSource, node: Node): string | undefined {
    if (source.kind === 'anonymous') {
      const name = this.nextName();
      this.emptyHost.push(name);
      return name;
    }
    if (source.kind === 'named') {
      const fromParams = this.params?.dockerVolumes.some((v) => v.name === source.name) || this.params?.efsVolumes.some((v) => v.name === source.name);
      if (!this.emptyHost.includes(source.name) && !fromParams) {
        node.error(`named volume [${source.name}] is used but no declaration was found in the volumes section (or in ecs-params docker_volumes or efs_volumes)`);
        return undefined;
      }
      if (!this.emptyHost.includes(source.name)) this.emptyHost.push(source.name);
      return source.name;
    }
    let path = source.path;
    if (!isAbsolute(path)) {
      const absolute = resolve(this.composeDir, path.replace(/^~(?=\/|$)/, process.env.HOME ?? '~'));
      this.notes.push(`volumes: the host path ${JSON.stringify(path)} (${node.where}) is ${JSON.stringify(absolute)} on the container instance, resolved against the compose file's folder as compose and ecs-cli did: check that it exists there.`);
      path = absolute;
    }
    let name = this.withHost.get(path);
    if (!name) {
      name = this.nextName();
      this.withHost.set(path, name);
    }
    return name;
  }

  toSpec(): VolumeSpec[] {
    const out: VolumeSpec[] = [...this.withHost].map(([sourcePath, name]) => ({ name, host: { sourcePath } }));
    const names = [...this.emptyHost];
    for (const v of [...(this.params?.dockerVolumes ?? []), ...(this.params?.efsVolumes ?? [])]) if (!names.includes(v.name)) names.push(v.name);
    for (const name of names) {
      const vol: VolumeSpec = { name };
      const docker = this.params?.dockerVolumes.find((v) => v.name === name);
      const efs = this.params?.efsVolumes.find((v) => v.name === name);
      if (docker) {
        vol.dockerVolumeConfiguration = {
          ...(docker.scope ? { scope: docker.scope as 'task' | 'shared' } : {}),
          ...(docker.autoprovision !== undefined ? { autoprovision: docker.autoprovision } : {}),
          ...(docker.driver ? { driver: docker.driver } : {}),
          ...(docker.driverOpts ? { driverOpts: docker.driverOpts } : {}),
          ...(docker.labels ? { labels: docker.labels } : {}),
        };
      }
      if (efs) {
        const auth = { ...(efs.accessPoint ? { accessPointId: efs.accessPoint } : {}), ...(efs.iam ? { iam: efs.iam as 'ENABLED' | 'DISABLED' } : {}) };
        vol.efsVolumeConfiguration = {
          fileSystemId: efs.fileSystemId,
          ...(efs.rootDirectory ? { rootDirectory: efs.rootDirectory } : {}),
          ...(efs.transitEncryption ? { transitEncryption: efs.transitEncryption as 'ENABLED' | 'DISABLED' } : {}),
          ...(efs.transitEncryptionPort !== undefined ? { transitEncryptionPort: efs.transitEncryptionPort } : {}),
          ...(Object.keys(auth).length > 0 ? { authorizationConfig: auth } : {}),
        };
      }
      out.push(vol);
    }
    return out;
  }
}
