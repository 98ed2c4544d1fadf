// A cluster of many services made by hand (CreateService, as a script over the AWS CLI would make
// them), for the import test and benchmark: one task definition family per 10 services, a few
// requests in flight at once.
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';

export interface ManyServicesOptions {
  endpoint: string;
  cluster: string;
  count: number;
  region?: string;
}

export async function createManyServices(opts: ManyServicesOptions): Promise<void> {
  const ecs = new ECSClient({ endpoint: opts.endpoint, region: opts.region ?? 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  try {
    await ecs.send(new CreateClusterCommand({ clusterName: opts.cluster }));
    const families = Math.ceil(opts.count / 10);
    const arns: string[] = [];
    for (let f = 0; f < families; f++) {
      const out = await ecs.send(
        new RegisterTaskDefinitionCommand({ family: `${opts.cluster}-app-${f}`, containerDefinitions: [{ name: 'app', image: `example/app:${f}`, memory: 128, portMappings: [{ containerPort: 80 }] }] }),
      );
      arns.push(out.taskDefinition?.taskDefinitionArn ?? '');
    }
    let next = 0;
    const worker = async () => {
      while (next < opts.count) {
        const i = next++;
        await ecs.send(new CreateServiceCommand({ cluster: opts.cluster, serviceName: `svc-${String(i).padStart(4, '0')}`, taskDefinition: arns[Math.floor(i / 10)], desiredCount: 1, launchType: 'EC2' }));
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  } finally {
    ecs.destroy();
  }
}

/** `imported 60 services from c in 1.2s (10 AWS calls)` from the import command's stderr. */
export function importFigures(stderr: string): { services: number; seconds: number; calls: number } | undefined {
  const m = /imported (\d+) services? from \S+ in ([\d.]+)s \((\d+) AWS calls\)/.exec(stderr);
  return m ? { services: Number(m[1]), seconds: Number(m[2]), calls: Number(m[3]) } : undefined;
}
