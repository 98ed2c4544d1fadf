// `ecs-operator run`: the controller, watching the Kubernetes API.
import { Command } from 'commander';
import { addOperatorOptions, ConfigError, describeConfig, resolveOperatorConfig } from '../config/operator-config.js';
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
    // Imported here: the controller's modules (@kubernetes/client-node above all) take most of a
    // second to load, which `apply` and `drift` should not pay for.
    const { buildOperator } = await import('../operator/operator.js');
    const { manager } = buildOperator(config, log);
    const reason = await manager.run();
    // Losing the lease exits non-zero so Kubernetes restarts the pod as a fresh candidate.
    process.exitCode = reason === 'leadership-lost' ? 1 : 0;
  });
  return cmd;
}
