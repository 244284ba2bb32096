import { performance } from 'node:perf_hooks';
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';

/**
 * Node process metrics, all read when Prometheus scrapes: CPU, memory, heap, start time,
 * event-loop utilization. prom-client's `collectDefaultMetrics` was measured to cost 40–50 %
 * of router CPU per EVENT under fan-out (its GC observer runs JavaScript on every collection);
 * nothing here runs between scrapes.
 */
export function registerProcessMetrics(registry: Registry): void {
  const registers = [registry];
  const startSeconds = Math.round((Date.now() - performance.now()) / 1000);
  const cpu = (name: string, help: string, read: (usage: NodeJS.CpuUsage) => number): void => {
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read(process.cpuUsage()) / 1e6);
      },
    });
  };
  cpu('rxwamp_process_cpu_user_seconds_total', 'User CPU time spent, in seconds.', (u) => u.user);
  cpu('rxwamp_process_cpu_system_seconds_total', 'System CPU time spent, in seconds.', (u) => u.system);
  cpu('rxwamp_process_cpu_seconds_total', 'User and system CPU time spent, in seconds.', (u) => u.user + u.system);
  const gauge = (name: string, help: string, read: () => number): void => {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  };
  gauge('rxwamp_process_start_time_seconds', 'Start time of the process since the Unix epoch, in seconds.', () => startSeconds);
  gauge('rxwamp_process_resident_memory_bytes', 'Resident memory size, in bytes.', () => process.memoryUsage.rss());
  gauge('rxwamp_nodejs_heap_size_total_bytes', 'V8 heap size, in bytes.', () => process.memoryUsage().heapTotal);
  gauge('rxwamp_nodejs_heap_size_used_bytes', 'V8 heap in use, in bytes.', () => process.memoryUsage().heapUsed);
  gauge('rxwamp_nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript, in bytes.', () => process.memoryUsage().external);
  // Utilization since the previous scrape: the share of wall time the event loop was busy.
  let previous = performance.eventLoopUtilization();
  gauge('rxwamp_nodejs_eventloop_utilization', 'Share of time the event loop was busy since the previous scrape (0 to 1).', () => {
    const now = performance.eventLoopUtilization();
    const since = performance.eventLoopUtilization(now, previous);
    previous = now;
    return since.utilization;
  });
  new Gauge({ name: 'rxwamp_nodejs_version_info', help: 'Node.js version.', labelNames: ['version'], registers }).set({ version: process.version }, 1);
}
