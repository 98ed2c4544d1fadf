// EcsTaskDefinition: what RegisterTaskDefinition takes, field for field in lowerCamelCase, plus the
// operator's own fields (region, revisionHistoryLimit, policies).
import { Type, type Static } from '@sinclair/typebox';
import {
  CEL_RULES_KEY,
  DriftPolicy,
  EcsName,
  IamRoleArn,
  IntOrNumericString,
  KeyValuePair,
  Region,
  StringEnum,
  StringMap,
  StringSet,
  Struct,
  Tags,
  uniqueBy,
  type CelRule,
} from './common.js';

const SecretArnOrParameter = (description: string) =>
  Type.String({
    description: `${description} The ARN of a Secrets Manager secret (optionally with :json-key:version-stage:version-id) or of an SSM parameter, or the parameter name when it is in the same region.`,
    minLength: 1,
    maxLength: 2048,
  });

const Secret = Struct('An environment variable filled from Secrets Manager or SSM Parameter Store when the container starts.', {
  name: Type.String({ description: 'Name of the environment variable (or log option) to set.', minLength: 1, maxLength: 255 }),
  valueFrom: SecretArnOrParameter('Where the value comes from.'),
});

export const PortMapping = Struct('A container port published by the task.', {
  containerPort: Type.Integer({ description: 'Port the container listens on (1-65535).', minimum: 1, maximum: 65535 }),
  hostPort: Type.Optional(
    Type.Integer({
      description: 'Port on the host. Under awsvpc omit it or make it equal to containerPort; under bridge, 0 or omitted picks a dynamic host port (the usual choice behind a load balancer).',
      minimum: 0,
      maximum: 65535,
    }),
  ),
  protocol: Type.Optional(StringEnum(['tcp', 'udp'], 'Transport protocol. ECS defaults to tcp.')),
  name: Type.Optional(Type.String({ description: 'Name of the port mapping, used by Service Connect.', minLength: 1, maxLength: 64, pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' })),
  appProtocol: Type.Optional(StringEnum(['http', 'http2', 'grpc'], 'Application protocol of the port, used by Service Connect.')),
});

export const HealthCheck = Struct(
  'A container health check run by the container agent (Docker HEALTHCHECK).',
  {
    command: Type.Array(Type.String({ description: 'One element of the command.', maxLength: 4096 }), {
      description: 'The check: ["CMD", "executable", "arg"...] runs the executable directly; ["CMD-SHELL", "curl -f http://localhost/ || exit 1"] runs it in the default shell. Exit code 0 means healthy.',
      minItems: 1,
      maxItems: 64,
    }),
    interval: Type.Optional(Type.Integer({ description: 'Seconds between checks (5-300). ECS defaults to 30.', minimum: 5, maximum: 300 })),
    timeout: Type.Optional(Type.Integer({ description: 'Seconds a check may take before it counts as failed (2-120). ECS defaults to 5.', minimum: 2, maximum: 120 })),
    retries: Type.Optional(Type.Integer({ description: 'Consecutive failures before the container is unhealthy (1-10). ECS defaults to 3.', minimum: 1, maximum: 10 })),
    startPeriod: Type.Optional(Type.Integer({ description: 'Seconds of grace after start during which failures do not count (0-300).', minimum: 0, maximum: 300 })),
  },
  {
    rules: [
      {
        rule: "self.command[0] in ['CMD', 'CMD-SHELL']",
        message: 'healthCheck.command must start with "CMD" or "CMD-SHELL"',
        fieldPath: '.command',
      },
    ],
  },
);

const ContainerDependency = Struct('A container that must reach a condition before this one starts.', {
  containerName: Type.String({ description: 'Name of another container in this task definition.', minLength: 1, maxLength: 255 }),
  condition: StringEnum(['START', 'COMPLETE', 'SUCCESS', 'HEALTHY'], 'START: the other container has started; COMPLETE: it has exited; SUCCESS: it exited with code 0; HEALTHY: its health check passes.'),
});

const MountPoint = Struct('A volume mounted into the container.', {
  sourceVolume: Type.String({ description: 'Name of a volume in spec.volumes.', minLength: 1, maxLength: 255 }),
  containerPath: Type.String({ description: 'Path inside the container where the volume is mounted.', minLength: 1, maxLength: 4096 }),
  readOnly: Type.Optional(Type.Boolean({ description: 'Mount read-only. Defaults to false.' })),
});

const VolumeFrom = Struct('Volumes mounted from another container of this task.', {
  sourceContainer: Type.String({ description: 'Name of the container whose volumes are mounted.', minLength: 1, maxLength: 255 }),
  readOnly: Type.Optional(Type.Boolean({ description: 'Mount read-only. Defaults to false.' })),
});

export const LogConfiguration = Struct(
  'Where the container sends its logs.',
  {
    logDriver: StringEnum(
      ['awslogs', 'awsfirelens', 'splunk', 'fluentd', 'gelf', 'json-file', 'journald', 'syslog'],
      'Log driver. awslogs sends to CloudWatch Logs; awsfirelens routes through a FireLens (Fluent Bit/Fluentd) sidecar; splunk sends to a Splunk HTTP event collector. Fargate supports awslogs, awsfirelens and splunk.',
    ),
    options: Type.Optional(
      StringMap('Driver options, for example awslogs-group, awslogs-region, awslogs-stream-prefix and awslogs-create-group for awslogs; Name, region, log_group_name... for awsfirelens (passed to the FireLens output plugin); splunk-url for splunk.', {
        maxProperties: 64,
      }),
    ),
    secretOptions: Type.Optional(
      Type.Array(Secret, {
        description: 'Driver options whose values come from Secrets Manager or SSM (for example splunk-token).',
        maxItems: 16,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      }),
    ),
  },
  {
    rules: [
      {
        rule: "self.logDriver != 'awslogs' || (has(self.options) && 'awslogs-group' in self.options && 'awslogs-region' in self.options)",
        message: 'the awslogs log driver needs options awslogs-group and awslogs-region',
        fieldPath: '.options',
        reason: 'FieldValueRequired',
      },
      {
        rule: "self.logDriver != 'splunk' || (has(self.options) && 'splunk-url' in self.options)",
        message: 'the splunk log driver needs the option splunk-url',
        fieldPath: '.options',
        reason: 'FieldValueRequired',
      },
      {
        rule: "self.logDriver != 'splunk' || (has(self.options) && 'splunk-token' in self.options) || (has(self.secretOptions) && self.secretOptions.exists(s, s.name == 'splunk-token'))",
        message: 'the splunk log driver needs splunk-token, in options or (better) in secretOptions',
        fieldPath: '.options',
        reason: 'FieldValueRequired',
      },
    ],
  },
);

const FirelensConfiguration = Struct('Makes this container the FireLens log router of the task (the sidecar that containers with logDriver awsfirelens send logs to).', {
  type: StringEnum(['fluentbit', 'fluentd'], 'The log router image type.'),
  options: Type.Optional(
    StringMap('FireLens options, for example enable-ecs-log-metadata, config-file-type and config-file-value.', { maxProperties: 16 }),
  ),
});

const Ulimit = Struct(
  'A ulimit for the container.',
  {
    name: StringEnum(
      ['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack'],
      'Which limit.',
    ),
    softLimit: Type.Integer({ description: 'Soft limit.', minimum: 0 }),
    hardLimit: Type.Integer({ description: 'Hard limit.', minimum: 0 }),
  },
  { rules: [{ rule: 'self.softLimit <= self.hardLimit', message: 'ulimit softLimit must not exceed hardLimit', fieldPath: '.softLimit' }] },
);

const Tmpfs = Struct('A tmpfs mount.', {
  containerPath: Type.String({ description: 'Absolute path of the mount in the container.', minLength: 1, maxLength: 4096 }),
  size: Type.Integer({ description: 'Size in MiB.', minimum: 1 }),
  mountOptions: Type.Optional(Type.Array(Type.String({ description: 'A mount option, for example noexec.', maxLength: 64 }), { description: 'Mount options.', maxItems: 32 })),
});

const Capability = StringEnum(
  ['ALL', 'AUDIT_CONTROL', 'AUDIT_WRITE', 'BLOCK_SUSPEND', 'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'IPC_LOCK', 'IPC_OWNER', 'KILL', 'LEASE', 'LINUX_IMMUTABLE', 'MAC_ADMIN', 'MAC_OVERRIDE', 'MKNOD', 'NET_ADMIN', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_RAW', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_CHROOT', 'SYS_MODULE', 'SYS_NICE', 'SYS_PACCT', 'SYS_PTRACE', 'SYS_RAWIO', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'SYSLOG', 'WAKE_ALARM'],
  'A Linux capability. Fargate only allows adding SYS_PTRACE.',
);

const LinuxParameters = Struct('Linux-specific settings of the container.', {
  capabilities: Type.Optional(
    Struct('Linux capabilities added to or dropped from the Docker default set.', {
      add: Type.Optional(StringSet('Capabilities to add.', Capability, 38)),
      drop: Type.Optional(StringSet('Capabilities to drop.', Capability, 38)),
    }),
  ),
  initProcessEnabled: Type.Optional(Type.Boolean({ description: 'Run an init process (PID 1) that forwards signals and reaps zombies.' })),
  sharedMemorySize: Type.Optional(Type.Integer({ description: 'Size of /dev/shm in MiB (not on Fargate).', minimum: 1 })),
  tmpfs: Type.Optional(Type.Array(Tmpfs, { description: 'tmpfs mounts (not on Fargate).', maxItems: 16 })),
  maxSwap: Type.Optional(Type.Integer({ description: 'Swap the container may use, in MiB; 0 disables swap (not on Fargate).', minimum: 0 })),
  swappiness: Type.Optional(Type.Integer({ description: 'How eagerly pages are swapped (0-100; not on Fargate).', minimum: 0, maximum: 100 })),
});

export const ContainerDefinition = Struct(
  'A container of the task.',
  {
    name: EcsName('Container name, unique in the task definition; load balancers and dependsOn refer to it.'),
    image: Type.String({ description: 'Image, for example public.ecr.aws/nginx/nginx:1.27 or 123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:...', minLength: 1, maxLength: 1024 }),
    repositoryCredentials: Type.Optional(
      Struct('Credentials for a private registry outside ECR.', {
        credentialsParameter: SecretArnOrParameter('Secrets Manager secret holding the registry username and password.'),
      }),
    ),
    cpu: Type.Optional(Type.Integer({ description: 'CPU units reserved for the container (1024 = one vCPU).', minimum: 0, maximum: 196608 })),
    memory: Type.Optional(Type.Integer({ description: 'Hard memory limit in MiB: the container is killed above it.', minimum: 6, maximum: 1048576 })),
    memoryReservation: Type.Optional(Type.Integer({ description: 'Soft memory limit in MiB, reserved for the container on the instance.', minimum: 6, maximum: 1048576 })),
    essential: Type.Optional(Type.Boolean({ description: 'If an essential container stops, the whole task stops. ECS defaults to true.' })),
    portMappings: Type.Optional(Type.Array(PortMapping, { description: 'Ports the container publishes.', maxItems: 100 })),
    environment: Type.Optional(
      Type.Array(KeyValuePair('environment variable'), {
        description: 'Environment variables.',
        maxItems: 500,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      }),
    ),
    environmentFiles: Type.Optional(
      Type.Array(
        Struct('An S3 object holding environment variables (KEY=value lines).', {
          value: Type.String({ description: 'ARN of the S3 object, for example arn:aws:s3:::bucket/web.env.', minLength: 1, maxLength: 2048, pattern: '^arn:aws[a-z-]*:s3:::.+' }),
          type: StringEnum(['s3'], 'File type; only s3.'),
        }),
        { description: 'Files of environment variables in S3.', maxItems: 10 },
      ),
    ),
    secrets: Type.Optional(
      Type.Array(Secret, {
        description: 'Environment variables whose values come from Secrets Manager or SSM Parameter Store; needs an executionRoleArn allowed to read them.',
        maxItems: 500,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
      }),
    ),
    command: Type.Optional(Type.Array(Type.String({ description: 'One argument.', maxLength: 32768 }), { description: 'Command (Docker CMD), overriding the image default.', maxItems: 256 })),
    entryPoint: Type.Optional(Type.Array(Type.String({ description: 'One argument.', maxLength: 32768 }), { description: 'Entry point (Docker ENTRYPOINT), overriding the image default.', maxItems: 256 })),
    workingDirectory: Type.Optional(Type.String({ description: 'Working directory of the command.', minLength: 1, maxLength: 4096 })),
    user: Type.Optional(Type.String({ description: 'User (and group) to run as: user, user:group, uid, uid:gid...', minLength: 1, maxLength: 255 })),
    healthCheck: Type.Optional(HealthCheck),
    dependsOn: Type.Optional(Type.Array(ContainerDependency, { description: 'Containers that must reach a condition before this one starts.', maxItems: 10 })),
    mountPoints: Type.Optional(Type.Array(MountPoint, { description: 'Volumes mounted into the container.', maxItems: 20 })),
    volumesFrom: Type.Optional(Type.Array(VolumeFrom, { description: 'Containers whose volumes are mounted into this one.', maxItems: 10 })),
    logConfiguration: Type.Optional(LogConfiguration),
    firelensConfiguration: Type.Optional(FirelensConfiguration),
    ulimits: Type.Optional(Type.Array(Ulimit, { description: 'ulimits of the container.', maxItems: 16 })),
    linuxParameters: Type.Optional(LinuxParameters),
    readonlyRootFilesystem: Type.Optional(Type.Boolean({ description: 'Mount the root filesystem read-only.' })),
    privileged: Type.Optional(Type.Boolean({ description: 'Give the container root on the host (not on Fargate).' })),
    stopTimeout: Type.Optional(Type.Integer({ description: 'Seconds to wait after SIGTERM before SIGKILL (at most 120 on Fargate).', minimum: 0, maximum: 120 })),
    startTimeout: Type.Optional(Type.Integer({ description: 'Seconds to wait for dependsOn conditions before giving up on this container.', minimum: 0, maximum: 120 })),
    dockerLabels: Type.Optional(StringMap('Docker labels on the container.', { maxProperties: 64 })),
  },
  {
    rules: [
      {
        rule: '!has(self.memory) || !has(self.memoryReservation) || self.memoryReservation <= self.memory',
        message: 'memoryReservation must not exceed memory',
        fieldPath: '.memoryReservation',
      },
      // Checked here rather than with the spec-level reference checks, which would exceed the API
      // server's CEL cost budget with one more comparison per pair.
      {
        rule: '!has(self.dependsOn) || self.dependsOn.all(d, d.containerName != self.name)',
        message: 'a container cannot depend on itself',
        fieldPath: '.dependsOn',
      },
      {
        rule: '!has(self.volumesFrom) || self.volumesFrom.all(v, v.sourceContainer != self.name)',
        message: 'a container cannot mount volumes from itself',
        fieldPath: '.volumesFrom',
      },
    ],
  },
);

const EfsVolumeConfiguration = Struct(
  'An Amazon EFS file system mounted as a volume.',
  {
    fileSystemId: Type.String({ description: 'EFS file system id, for example fs-0123456789abcdef0.', pattern: '^fs-[0-9a-f]+$', maxLength: 64 }),
    rootDirectory: Type.Optional(Type.String({ description: 'Directory of the file system mounted as the root of the volume. Must be omitted or "/" when an access point is used (the access point sets the path).', minLength: 1, maxLength: 4096 })),
    transitEncryption: Type.Optional(StringEnum(['ENABLED', 'DISABLED'], 'Encrypt traffic between the task and EFS. Required (ENABLED) with an access point or IAM authorization. ECS defaults to DISABLED.')),
    transitEncryptionPort: Type.Optional(Type.Integer({ description: 'Port used for encrypted traffic; needs transitEncryption ENABLED.', minimum: 1, maximum: 65535 })),
    authorizationConfig: Type.Optional(
      Struct('How the task is authorized on the file system.', {
        accessPointId: Type.Optional(Type.String({ description: 'EFS access point id, for example fsap-0123456789abcdef0; needs transitEncryption ENABLED.', pattern: '^fsap-[0-9a-f]+$', maxLength: 64 })),
        iam: Type.Optional(StringEnum(['ENABLED', 'DISABLED'], 'Use the task role for IAM authorization on EFS; ENABLED needs transitEncryption ENABLED.')),
      }),
    ),
  },
  {
    rules: [
      {
        rule: "!has(self.authorizationConfig) || !has(self.authorizationConfig.accessPointId) || (has(self.transitEncryption) && self.transitEncryption == 'ENABLED')",
        message: 'an EFS access point needs transitEncryption: ENABLED',
        fieldPath: '.transitEncryption',
        reason: 'FieldValueRequired',
      },
      {
        rule: "!has(self.authorizationConfig) || !has(self.authorizationConfig.iam) || self.authorizationConfig.iam == 'DISABLED' || (has(self.transitEncryption) && self.transitEncryption == 'ENABLED')",
        message: 'EFS IAM authorization needs transitEncryption: ENABLED',
        fieldPath: '.transitEncryption',
        reason: 'FieldValueRequired',
      },
      {
        rule: "!has(self.authorizationConfig) || !has(self.authorizationConfig.accessPointId) || !has(self.rootDirectory) || self.rootDirectory == '/'",
        message: 'with an EFS access point, rootDirectory must be omitted or "/" (the access point sets the path)',
        fieldPath: '.rootDirectory',
      },
      {
        rule: "!has(self.transitEncryptionPort) || (has(self.transitEncryption) && self.transitEncryption == 'ENABLED')",
        message: 'transitEncryptionPort needs transitEncryption: ENABLED',
        fieldPath: '.transitEncryptionPort',
      },
    ],
  },
);

export const Volume = Struct(
  'A volume that containers mount with mountPoints. Give at most one of host, dockerVolumeConfiguration and efsVolumeConfiguration; with none, it is a bind mount in task storage.',
  {
    name: EcsName('Volume name, referred to by mountPoints[].sourceVolume.'),
    host: Type.Optional(
      Struct('A bind mount. Without sourcePath the data lives in the task (ephemeral storage on Fargate).', {
        sourcePath: Type.Optional(Type.String({ description: 'Path on the host instance (EC2 only).', minLength: 1, maxLength: 4096 })),
      }),
    ),
    dockerVolumeConfiguration: Type.Optional(
      Struct(
        'A Docker volume (EC2 only).',
        {
          scope: Type.Optional(StringEnum(['task', 'shared'], 'task: removed when the task stops; shared: kept on the instance after the task stops.')),
          autoprovision: Type.Optional(Type.Boolean({ description: 'Create the volume if it does not exist (only with scope shared).' })),
          driver: Type.Optional(Type.String({ description: 'Volume driver, for example local.', minLength: 1, maxLength: 255 })),
          driverOpts: Type.Optional(StringMap('Driver-specific options.', { maxProperties: 32 })),
          labels: Type.Optional(StringMap('Labels on the Docker volume.', { maxProperties: 32 })),
        },
        {
          rules: [
            {
              rule: "!has(self.autoprovision) || !self.autoprovision || (has(self.scope) && self.scope == 'shared')",
              message: 'autoprovision needs scope: shared',
              fieldPath: '.autoprovision',
            },
          ],
        },
      ),
    ),
    efsVolumeConfiguration: Type.Optional(EfsVolumeConfiguration),
  },
  {
    rules: [
      {
        rule: '(has(self.host) ? 1 : 0) + (has(self.dockerVolumeConfiguration) ? 1 : 0) + (has(self.efsVolumeConfiguration) ? 1 : 0) <= 1',
        message: 'a volume takes at most one of host, dockerVolumeConfiguration and efsVolumeConfiguration',
      },
    ],
  },
);

const TaskPlacementConstraint = Struct('A placement constraint for tasks of this task definition (EC2 only).', {
  type: StringEnum(['memberOf'], 'Constraint type; task definitions accept memberOf.'),
  expression: Type.String({ description: 'Cluster query language expression, for example attribute:ecs.instance-type =~ t3.*', minLength: 1, maxLength: 2000 }),
});

// Valid Fargate task sizes (cpu units -> memory MiB), from the ECS task definition reference.
const FARGATE_SIZES_RULE = [
  "(int(string(self.cpu)) == 256 && int(string(self.memory)) in [512, 1024, 2048])",
  '(int(string(self.cpu)) == 512 && int(string(self.memory)) >= 1024 && int(string(self.memory)) <= 4096 && int(string(self.memory)) % 1024 == 0)',
  '(int(string(self.cpu)) == 1024 && int(string(self.memory)) >= 2048 && int(string(self.memory)) <= 8192 && int(string(self.memory)) % 1024 == 0)',
  '(int(string(self.cpu)) == 2048 && int(string(self.memory)) >= 4096 && int(string(self.memory)) <= 16384 && int(string(self.memory)) % 1024 == 0)',
  '(int(string(self.cpu)) == 4096 && int(string(self.memory)) >= 8192 && int(string(self.memory)) <= 30720 && int(string(self.memory)) % 1024 == 0)',
  '(int(string(self.cpu)) == 8192 && int(string(self.memory)) >= 16384 && int(string(self.memory)) <= 61440 && int(string(self.memory)) % 4096 == 0)',
  '(int(string(self.cpu)) == 16384 && int(string(self.memory)) >= 32768 && int(string(self.memory)) <= 122880 && int(string(self.memory)) % 8192 == 0)',
].join(' || ');

const FARGATE_CPUS = '256, 512, 1024, 2048, 4096, 8192 or 16384';
const FARGATE_CPU_RULE = 'int(string(self.cpu)) in [256, 512, 1024, 2048, 4096, 8192, 16384]';
const FARGATE_MEMORY_BY_CPU =
  "{256: '512, 1024 or 2048', 512: '1024 to 4096 in steps of 1024', 1024: '2048 to 8192 in steps of 1024', 2048: '4096 to 16384 in steps of 1024', 4096: '8192 to 30720 in steps of 1024', 8192: '16384 to 61440 in steps of 4096', 16384: '32768 to 122880 in steps of 8192'}";

const TASK_MEMORY = 'int(string(self.memory))';
// sum() comes from Kubernetes' CEL list library (cel.ts registers it for the file source).
const RESERVED_MEMORY = 'self.containerDefinitions.map(c, has(c.memoryReservation) ? c.memoryReservation : 0).sum()';
const RESERVED_CPU = 'self.containerDefinitions.map(c, has(c.cpu) ? c.cpu : 0).sum()';

const IS_FARGATE = "has(self.requiresCompatibilities) && 'FARGATE' in self.requiresCompatibilities";

const taskDefinitionRules: CelRule[] = [
  // IAM passes no role across partitions: a role ARN from another partition is refused at apply
  // time rather than by RegisterTaskDefinition after the fact.
  {
    rule: "!has(self.region) || [has(self.taskRoleArn) ? self.taskRoleArn : '', has(self.executionRoleArn) ? self.executionRoleArn : ''].all(arn, !arn.startsWith('arn:') || arn.startsWith('arn:' + (self.region.startsWith('cn-') ? 'aws-cn' : self.region.startsWith('us-gov-') ? 'aws-us-gov' : self.region.startsWith('us-isob-') ? 'aws-iso-b' : self.region.startsWith('us-iso-') ? 'aws-iso' : self.region.startsWith('eu-isoe-') ? 'aws-iso-e' : self.region.startsWith('us-isof-') ? 'aws-iso-f' : self.region.startsWith('eusc-') ? 'aws-eusc' : 'aws') + ':'))",
    message: 'role ARNs must be in the partition of spec.region (arn:aws-cn: for cn-* regions, arn:aws-us-gov: for us-gov-*, arn:aws: for commercial regions)',
    fieldPath: '.executionRoleArn',
  },
  {
    rule: "!has(self.taskRoleArn) || !has(self.executionRoleArn) || !self.taskRoleArn.startsWith('arn:') || !self.executionRoleArn.startsWith('arn:') || self.taskRoleArn.split(':')[1] == self.executionRoleArn.split(':')[1]",
    message: 'taskRoleArn and executionRoleArn must be in the same partition',
    fieldPath: '.taskRoleArn',
  },
  {
    rule: `!(${IS_FARGATE}) || (has(self.networkMode) && self.networkMode == 'awsvpc')`,
    message: 'a FARGATE task definition needs networkMode: awsvpc',
    fieldPath: '.networkMode',
    reason: 'FieldValueRequired',
  },
  // Each Fargate size rule reports at the field that is wrong: a missing or impossible cpu at
  // spec.cpu, a missing memory or one that does not fit the cpu at spec.memory.
  {
    rule: `!(${IS_FARGATE}) || has(self.cpu)`,
    message: `a FARGATE task definition needs task-level cpu: ${FARGATE_CPUS} CPU units`,
    fieldPath: '.cpu',
    reason: 'FieldValueRequired',
  },
  {
    rule: `!(${IS_FARGATE}) || has(self.memory)`,
    message: 'a FARGATE task definition needs task-level memory, in MiB, of a size that fits its cpu',
    fieldPath: '.memory',
    reason: 'FieldValueRequired',
  },
  {
    rule: `!(${IS_FARGATE}) || !has(self.cpu) || ${FARGATE_CPU_RULE}`,
    message: `cpu is not a Fargate size: Fargate takes ${FARGATE_CPUS} CPU units`,
    messageExpression: `'cpu ' + string(self.cpu) + ' is not a Fargate size: Fargate takes ${FARGATE_CPUS} CPU units'`,
    fieldPath: '.cpu',
  },
  {
    rule: `!(${IS_FARGATE}) || !has(self.cpu) || !has(self.memory) || !(${FARGATE_CPU_RULE}) || ${FARGATE_SIZES_RULE}`,
    message:
      'memory does not fit cpu on Fargate: cpu 256 takes memory 512, 1024 or 2048; 512 takes 1024-4096; 1024 takes 2048-8192; 2048 takes 4096-16384; 4096 takes 8192-30720 (in steps of 1024); 8192 takes 16384-61440 (steps of 4096); 16384 takes 32768-122880 (steps of 8192)',
    messageExpression: `'memory ' + string(self.memory) + ' does not fit cpu ' + string(self.cpu) + ' on Fargate: cpu ' + string(self.cpu) + ' takes memory ' + ${FARGATE_MEMORY_BY_CPU}[int(string(self.cpu))]`,
    fieldPath: '.memory',
  },
  {
    rule: `!(${IS_FARGATE}) || !has(self.volumes) || self.volumes.all(v, !has(v.dockerVolumeConfiguration) && (!has(v.host) || !has(v.host.sourcePath)))`,
    message: 'a FARGATE task definition cannot use Docker volumes or host sourcePath; use EFS or a bind mount without sourcePath',
    fieldPath: '.volumes',
  },
  {
    rule: `!(${IS_FARGATE}) || !has(self.placementConstraints)`,
    message: 'a FARGATE task definition takes no placementConstraints',
    fieldPath: '.placementConstraints',
    reason: 'FieldValueForbidden',
  },
  {
    rule: 'has(self.memory) || self.containerDefinitions.all(c, has(c.memory) || has(c.memoryReservation))',
    message: 'set task-level memory, or memory or memoryReservation on every container',
    fieldPath: '.memory',
    reason: 'FieldValueRequired',
  },
  // RegisterTaskDefinition refuses a container hard limit above the task's memory ("The 'memory'
  // setting for container 'x' is greater than for the task", pulumi/pulumi-awsx#188) and
  // reservations that add up to more ("The sum of all container 'memoryReservation' values cannot
  // be greater than the value of the task 'memory'", cloudnativedaysjp/dreamkast-infra#4766); ECS
  // API reference, ContainerDefinition memory. Hard limits are ceilings, not reservations: ECS
  // checks them one by one, not their sum.
  {
    rule: `!has(self.memory) || self.containerDefinitions.all(c, !has(c.memory) || c.memory <= ${TASK_MEMORY})`,
    message: "a container's memory (hard limit) exceeds the task memory",
    // Only values of known size in messages: the API server's cost estimate counts a string made
    // in a comprehension (a container's name) or by string(int) as unbounded and refuses the CRD.
    messageExpression: `"a container's memory (hard limit) exceeds the task memory of " + string(self.memory) + ' MiB'`,
    fieldPath: '.containerDefinitions',
  },
  {
    rule: `!has(self.memory) || ${RESERVED_MEMORY} <= ${TASK_MEMORY}`,
    message: "the containers' memoryReservation values must add up to no more than the task memory",
    messageExpression: `"the containers' memoryReservation values add up to more than the task memory of " + string(self.memory) + ' MiB'`,
    fieldPath: '.containerDefinitions',
  },
  // The same for CPU: "the total amount of CPU reserved for all containers within a task" must not
  // exceed the task-level cpu (ECS API reference, ContainerDefinition cpu); ECS answers "The sum of
  // all container 'cpu' values cannot be greater than the value of the task 'cpu'" (aws/aws-cdk#24629).
  {
    rule: `!has(self.cpu) || ${RESERVED_CPU} <= int(string(self.cpu))`,
    message: "the containers' cpu values must add up to no more than the task cpu",
    messageExpression: `"the containers' cpu values add up to more than the task cpu of " + string(self.cpu) + ' CPU units'`,
    fieldPath: '.containerDefinitions',
  },
  {
    rule: "!has(self.networkMode) || self.networkMode != 'awsvpc' || self.containerDefinitions.all(c, !has(c.portMappings) || c.portMappings.all(p, !has(p.hostPort) || p.hostPort == p.containerPort))",
    message: 'under networkMode awsvpc a port mapping\'s hostPort must be omitted or equal to its containerPort',
    fieldPath: '.containerDefinitions',
  },
  {
    rule: 'self.containerDefinitions.all(c, !has(c.dependsOn) || c.dependsOn.all(d, self.containerDefinitions.exists(o, o.name == d.containerName)))',
    message: 'dependsOn[].containerName must name another container of this task definition',
    fieldPath: '.containerDefinitions',
  },
  {
    rule: 'self.containerDefinitions.all(c, !has(c.volumesFrom) || c.volumesFrom.all(v, self.containerDefinitions.exists(o, o.name == v.sourceContainer)))',
    message: 'volumesFrom[].sourceContainer must name another container of this task definition',
    fieldPath: '.containerDefinitions',
  },
  {
    rule: 'self.containerDefinitions.all(c, !has(c.mountPoints) || c.mountPoints.all(m, has(self.volumes) && self.volumes.exists(v, v.name == m.sourceVolume)))',
    message: 'mountPoints[].sourceVolume must name a volume in spec.volumes',
    fieldPath: '.containerDefinitions',
  },
  {
    rule: "!self.containerDefinitions.exists(c, has(c.logConfiguration) && c.logConfiguration.logDriver == 'awsfirelens') || self.containerDefinitions.exists(c, has(c.firelensConfiguration))",
    message: 'a container logs with awsfirelens, so the task needs a log router container with firelensConfiguration',
    fieldPath: '.containerDefinitions',
  },
  {
    rule: 'size(self.containerDefinitions.filter(c, has(c.firelensConfiguration))) <= 1',
    message: 'only one container can have firelensConfiguration',
    fieldPath: '.containerDefinitions',
  },
];

export const EcsTaskDefinitionSpec = Struct(
  'Desired ECS task definition. Each change to it registers one new revision; an unchanged spec registers nothing.',
  {
    family: Type.Optional(EcsName('Task definition family. Defaults to metadata.name (which then must not contain dots).')),
    region: Type.Optional(Region),
    taskRoleArn: Type.Optional(IamRoleArn('Role the containers use to call AWS APIs.')),
    executionRoleArn: Type.Optional(IamRoleArn('Role ECS uses to pull images, write logs and read secrets for the task.')),
    networkMode: Type.Optional(StringEnum(['awsvpc', 'bridge', 'host', 'none'], 'Docker networking mode. awsvpc gives each task its own network interface (required on Fargate); bridge maps container ports to host ports (EC2). ECS defaults to bridge on Linux EC2.')),
    requiresCompatibilities: Type.Optional(StringSet('Launch types the task definition is validated against: EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES.', StringEnum(['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'], 'A launch type.'), 4)),
    cpu: Type.Optional(IntOrNumericString('Task-level CPU in CPU units (1024 = one vCPU), as a number or numeric string. Required on Fargate, in a valid combination with memory.')),
    memory: Type.Optional(IntOrNumericString('Task-level memory in MiB, as a number or numeric string. Required on Fargate, in a valid combination with cpu.')),
    pidMode: Type.Optional(StringEnum(['host', 'task'], 'Process namespace shared with the host or among the task\'s containers.')),
    ipcMode: Type.Optional(StringEnum(['host', 'task', 'none'], 'IPC namespace shared with the host or among the task\'s containers (not on Fargate).')),
    runtimePlatform: Type.Optional(
      Struct('Operating system and CPU architecture the task runs on.', {
        cpuArchitecture: Type.Optional(StringEnum(['X86_64', 'ARM64'], 'CPU architecture. ECS defaults to X86_64.')),
        operatingSystemFamily: Type.Optional(
          StringEnum(
            ['LINUX', 'WINDOWS_SERVER_2019_FULL', 'WINDOWS_SERVER_2019_CORE', 'WINDOWS_SERVER_2022_FULL', 'WINDOWS_SERVER_2022_CORE', 'WINDOWS_SERVER_2025_FULL', 'WINDOWS_SERVER_2025_CORE', 'WINDOWS_SERVER_2016_FULL', 'WINDOWS_SERVER_2004_CORE', 'WINDOWS_SERVER_20H2_CORE'],
            'Operating system family. ECS defaults to LINUX.',
          ),
        ),
      }),
    ),
    ephemeralStorage: Type.Optional(
      Struct('Ephemeral storage of a Fargate task beyond the default 20 GiB.', {
        sizeInGiB: Type.Integer({ description: 'Total ephemeral storage in GiB (21-200).', minimum: 21, maximum: 200 }),
      }),
    ),
    containerDefinitions: Type.Array(ContainerDefinition, {
      description: 'The containers of the task (1-10), with unique names.',
      minItems: 1,
      maxItems: 10,
      [CEL_RULES_KEY]: [
        uniqueBy('name', 'container names'),
        {
          rule: 'self.exists(c, !has(c.essential) || c.essential)',
          message: 'at least one container must be essential (essential defaults to true)',
        },
      ] satisfies CelRule[],
    }),
    volumes: Type.Optional(
      Type.Array(Volume, {
        description: 'Volumes the containers can mount.',
        maxItems: 20,
        [CEL_RULES_KEY]: [uniqueBy('name', 'volume names')] satisfies CelRule[],
      }),
    ),
    placementConstraints: Type.Optional(Type.Array(TaskPlacementConstraint, { description: 'Where tasks may be placed (EC2 only).', maxItems: 10 })),
    tags: Type.Optional(Tags('Tags on each registered revision, in addition to the operator\'s 3 ownership tags (4 in a namespace an EcsAccount maps; ECS takes 50 in all).', 4)),
    revisionHistoryLimit: Type.Optional(
      Type.Integer({
        description: 'How many revisions registered by this object are kept ACTIVE besides the current one; older ones are deregistered (revisions still used by a service are kept). Defaults to 5.',
        minimum: 0,
        maximum: 100,
      }),
    ),
    driftPolicy: Type.Optional(DriftPolicy),
    deletionPolicy: Type.Optional(
      StringEnum(['Delete', 'Retain'], 'What happens when this object is deleted: Delete deregisters the revisions it registered (waiting while a service still uses one); Retain leaves them. Defaults to Delete.', { default: 'Delete' }),
    ),
    adoptExisting: Type.Optional(
      Type.Boolean({
        description: 'Take over the family\'s newest ACTIVE revision when this object has registered none and that revision already holds what the spec asks for: tag it as owned instead of registering a copy (what `ecs-operator import` writes). Without it (the default), such a revision is left alone and a new one is registered.',
      }),
    ),
  },
  { rules: taskDefinitionRules },
);
export type EcsTaskDefinitionSpec = Static<typeof EcsTaskDefinitionSpec>;
export type ContainerDefinition = Static<typeof ContainerDefinition>;
export type Volume = Static<typeof Volume>;
export type LogConfiguration = Static<typeof LogConfiguration>;
export type PortMapping = Static<typeof PortMapping>;
export type HealthCheck = Static<typeof HealthCheck>;
