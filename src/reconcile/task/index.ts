export { cleanupTask } from './cleanup.js';
export { reconcileTask, type TaskDeps, type TaskStatusBody } from './reconcile.js';
