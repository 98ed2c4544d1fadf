// An Auto Scaling group in the AWS emulator, for EC2 capacity providers: ECS checks that the group
// exists (CreateCapacityProvider) and, with managed termination protection, that it protects new
// instances from scale-in.
import { randomBytes } from 'node:crypto';
import { CreateLaunchTemplateCommand, EC2Client } from '@aws-sdk/client-ec2';

/** Creates a group (launch template, no instances) through the emulator's Auto Scaling API; returns its name. */
export async function createAutoScalingGroup(endpoint: string, region = 'us-east-1'): Promise<string> {
  const id = randomBytes(4).toString('hex');
  const ec2 = new EC2Client({ region, endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const template = `lt-${id}`;
  try {
    await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: template, LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.small' } }));
  } finally {
    ec2.destroy();
  }
  const name = `asg-${id}`;
  // The project has no Auto Scaling SDK client: one Query API call, which the emulator routes by the
  // service named in the credential scope (it does not check signatures).
  const body = new URLSearchParams({
    Action: 'CreateAutoScalingGroup',
    Version: '2011-01-01',
    AutoScalingGroupName: name,
    'LaunchTemplate.LaunchTemplateName': template,
    MinSize: '0',
    MaxSize: '2',
    'AvailabilityZones.member.1': `${region}a`,
    NewInstancesProtectedFromScaleIn: 'true',
  });
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/autoscaling/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body,
  });
  if (res.status !== 200) throw new Error(`CreateAutoScalingGroup: ${res.status} ${await res.text()}`);
  return name;
}
