#!/usr/bin/env node
// ecs-operator: `run` is the controller; `apply` and `drift` run the same reconcilers straight from
// manifest files, for CI and for use without a cluster; `rollback` undoes a bad rollout of those files.
import { Command } from 'commander';
import { applyCommand } from './apply.js';
import { convertCommand } from './convert.js';
import { driftCommand } from './drift.js';
import { importCommand } from './import.js';
import { rollbackCommand } from './rollback.js';
import { runCommand } from './run.js';
import { VERSION } from '../observability/version.js';

const program = new Command()
  .name('ecs-operator')
  .description('Reconciles EcsCluster, EcsTaskDefinition and EcsService manifests into Amazon ECS')
  .version(VERSION, '-V, --version', 'print the version and exit')
  .showHelpAfterError();

program.addCommand(runCommand());
program.addCommand(applyCommand());
program.addCommand(driftCommand());
program.addCommand(rollbackCommand());
program.addCommand(importCommand());
program.addCommand(convertCommand());

await program.parseAsync(process.argv);
