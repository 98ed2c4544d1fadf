// Preloaded with `--import` (NODE_OPTIONS) to profile a process as `node --cpu-prof` would: Node 20
// refuses --cpu-prof in NODE_OPTIONS, and the operator's launcher owns its command line. Samples
// from load to exit and writes CPU.<pid>.cpuprofile into $BENCH_CPU_PROF_DIR (the --cpu-prof format).
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // A same-thread inspector session answers synchronously, so this completes inside 'exit'.
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(join(dir, `CPU.${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
