// `ecs-operator run`: the controller, watching the Kubernetes API.
import { Command } from 'commander';
import { addOperatorOptions, ConfigError, describeConfig, resolveOperatorConfig } from '../config/operator-config.js';
import { loadClientNodeLean } from '../kube/lean-client-node.js';
import { createLogger } from '../observability/logger.js';

export function runCommand(): Command {
  const cmd = new Command('run').description('run the controller against the current Kubernetes cluster');
  addOperatorOptions(cmd);
  cmd.action(async () => {
    let config;
    try {
      config = resolveOperatorConfig(cmd, process.env);
    } catch (err) {
      if (err instanceof ConfigError) {
        console.error(err.message);
        process.exit(1);
      }
      throw err;
    }
    const log = createLogger({ level: config.logLevel });
    log.info({ config: describeConfig(config) }, 'starting ecs-operator');
    if (config.aws.region === undefined) log.warn('no AWS region given (--region, $AWS_REGION or $AWS_DEFAULT_REGION): objects that name none use us-east-1');
    // Imported here: the controller's modules (@kubernetes/client-node above all) take most of a
    // second to load, which `apply` and `drift` should not pay for.
    loadClientNodeLean();
    const [{ buildOperator }, { checkKubeReachable, KubeConnectError, loadKubeConfig }] = await Promise.all([import('../operator/operator.js'), import('../kube/client.js')]);
    let kc;
    try {
      kc = loadKubeConfig(config.kubeconfig);
      await checkKubeReachable(kc);
    } catch (err) {
      if (!(err instanceof KubeConnectError)) throw err;
      console.error(`error: ${err.message}`);
      process.exit(1);
    }
    const { manager } = buildOperator(config, log, kc);
    const reason = await manager.run();
    // Losing the lease exits non-zero so Kubernetes restarts the pod as a fresh candidate.
    process.exitCode = reason === 'leadership-lost' ? 1 : 0;
  });
  return cmd;
}
