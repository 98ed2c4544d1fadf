// The ECS writes the reconcilers make, plus listing a family's revisions and a service's service deployments. Reads of services and
// task definitions go through ServiceObserver and TaskDefinitionCache instead, which batch and cache.
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DeregisterTaskDefinitionCommand,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
  paginateListTaskDefinitions,
  type CreateServiceCommandInput,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
  type Service,
  type ServiceDeploymentBrief,
  type ServiceDeploymentStatus,
  type Tag,
  type TaskDefinition,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import type { TaskDefinitionCache, TaskDefinitionRecord } from './task-definition-cache.js';
import type { ServiceObserver } from './service-observer.js';

/**
 * CreateService is idempotent per `clientToken` (up to 36 ASCII characters): repeating a create
 * with the same token returns the service instead of failing or creating a second one, so a crash
 * between the create and the status write is harmless. The token is therefore required here.
 */
export type CreateServiceInput = CreateServiceCommandInput & { clientToken: string };

export class EcsApi {
  constructor(
    private readonly ecs: ECSClient,
    private readonly taskDefinitions: TaskDefinitionCache,
    private readonly registrar: ECSClient = ecs,
    private readonly services?: Pick<ServiceObserver, 'forget'>,
  ) {}

  /** Registers a revision. The response is the full revision with its tags, so it is cached as is. */
  async registerTaskDefinition(input: RegisterTaskDefinitionCommandInput): Promise<TaskDefinitionRecord> {
    const out = await this.registrar.send(new RegisterTaskDefinitionCommand(input));
    // ECS answers with the revision's tags; an endpoint that leaves them out (moto) still tagged it
    // with the request's, and caching no tags would make the revision look unowned.
    const record = { taskDefinition: required(out.taskDefinition, 'RegisterTaskDefinition'), tags: out.tags ?? input.tags ?? [] };
    this.taskDefinitions.remember(record);
    return record;
  }

  /** Marks a revision INACTIVE (services already using it keep running). */
  async deregisterTaskDefinition(taskDefinitionArn: string): Promise<TaskDefinition> {
    const out = await this.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }));
    const taskDefinition = required(out.taskDefinition, 'DeregisterTaskDefinition');
    // The cached copy still says ACTIVE, and this response carries no tags: read it again if asked.
    this.taskDefinitions.forget(taskDefinitionArn);
    return taskDefinition;
  }

  /** ARNs of a family's revisions with that status, oldest revision first. */
  async listTaskDefinitionArns(family: string, status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE'): Promise<string[]> {
    const arns: string[] = [];
    for await (const page of paginateListTaskDefinitions({ client: this.ecs }, { familyPrefix: family, status, sort: 'ASC' })) {
      arns.push(...(page.taskDefinitionArns ?? []));
    }
    return arns;
  }

  async createService(input: CreateServiceInput): Promise<Service> {
    try {
      return required((await this.ecs.send(new CreateServiceCommand(input))).service, 'CreateService');
    } finally {
      // Failed too: the name may be taken by a service the reads in hand do not show.
      if (input.serviceName) this.services?.forget(input.serviceName);
    }
  }

  /** Sends only the fields given: ECS leaves every field that is absent from the request unchanged. */
  async updateService(input: UpdateServiceCommandInput): Promise<Service> {
    const out = await this.ecs.send(new UpdateServiceCommand(input));
    if (input.service) this.services?.forget(input.service);
    return required(out.service, 'UpdateService');
  }

  /** Without `force`, ECS refuses to delete a service whose desiredCount is above zero. */
  async deleteService(input: { cluster: string; service: string; force?: boolean }): Promise<Service> {
    const out = await this.ecs.send(new DeleteServiceCommand(input));
    this.services?.forget(input.service);
    return required(out.service, 'DeleteService');
  }

  /** The service's service deployments with one of these statuses (ListServiceDeployments, newest first). */
  async listServiceDeployments(cluster: string, service: string, status: ServiceDeploymentStatus[]): Promise<ServiceDeploymentBrief[]> {
    const found: ServiceDeploymentBrief[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.ecs.send(new ListServiceDeploymentsCommand({ cluster, service, status, ...(nextToken ? { nextToken } : {}) }));
      found.push(...(out.serviceDeployments ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
    return found;
  }

  /**
   * Stops a service deployment with ROLLBACK: ECS rolls the service back to the service revision
   * that ran before it (StopServiceDeployment). Sent once, like restartService.
   */
  async stopServiceDeployment(serviceDeploymentArn: string, service: string): Promise<void> {
    await this.registrar.send(new StopServiceDeploymentCommand({ serviceDeploymentArn, stopType: 'ROLLBACK' }));
    this.services?.forget(service);
  }

  /**
   * One new deployment of the task definition the service runs (UpdateService forceNewDeployment,
   * no taskDefinition). Not idempotent: a retry after a lost answer would start a second one, so it
   * goes through the client that retries only throttling, and the caller decides whether to send again.
   */
  async restartService(cluster: string, service: string): Promise<Service> {
    const out = await this.registrar.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true }));
    this.services?.forget(service);
    return required(out.service, 'UpdateService');
  }

  async tagResource(resourceArn: string, tags: Tag[]): Promise<void> {
    await this.ecs.send(new TagResourceCommand({ resourceArn, tags }));
    this.taskDefinitions.forget(resourceArn);
  }

  async untagResource(resourceArn: string, tagKeys: string[]): Promise<void> {
    await this.ecs.send(new UntagResourceCommand({ resourceArn, tagKeys }));
    this.taskDefinitions.forget(resourceArn);
  }
}

function required<T>(value: T | undefined, operation: string): T {
  if (value === undefined) throw new Error(`${operation} returned no result`);
  return value;
}
