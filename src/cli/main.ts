#!/usr/bin/env node
// ecs-operator: `run` is the controller; `apply` and `drift` run the same reconcilers straight from
// manifest files, for CI and for use without a cluster; `rollback` undoes a bad rollout of those files.
import { Command } from 'commander';
import { VERSION } from '../observability/version.js';

/**
 * Each command's module, loaded only when it runs (all of them for the top-level help): the
 * operator's long-running process would otherwise hold the code of convert, import and the file
 * reconcilers in memory for nothing.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run.js')).runCommand(),
  apply: async () => (await import('./apply.js')).applyCommand(),
  drift: async () => (await import('./drift.js')).driftCommand(),
  rollback: async () => (await import('./rollback.js')).rollbackCommand(),
  import: async () => (await import('./import.js')).importCommand(),
  convert: async () => (await import('./convert.js')).convertCommand(),
};

const program = new Command()
  .name('ecs-operator')
  .description('Reconciles EcsCluster, EcsTaskDefinition and EcsService manifests into Amazon ECS')
  .version(VERSION, '-V, --version', 'print the version and exit')
  .showHelpAfterError();

const named = process.argv[2];
const wanted = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
for (const command of await Promise.all(wanted.map((name) => (COMMANDS[name] as () => Promise<Command>)()))) program.addCommand(command);

await program.parseAsync(process.argv);
