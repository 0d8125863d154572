// Process and machine figures from /proc (Linux): CPU time, resident memory, open-file limit.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval, setTimeout } from 'node:timers';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export const CORES = cpus().length;

/** CPU seconds (user + system, all threads) a process has used so far; NaN once it is gone. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14 and 15 of stat)
  } catch {
    return NaN;
  }
}

/** { rssKb, hwmKb } from /proc/<pid>/status: resident memory now and its peak since the process started. */
export function memoryKb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
  } catch {
    return { rssKb: NaN, hwmKb: NaN };
  }
}

/** Busy CPU seconds of the whole machine (all cores), to tell whether something else was running. */
export function machineBusySeconds() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // user nice system idle iowait irq softirq steal
  return (total - v[3] - v[4]) / CLK_TCK;
}

/** The soft limit on open files this process (and the servers it starts) runs with. */
export function openFileLimit() {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  } catch {
    return NaN;
  }
}

/**
 * Measures CPU use (percent of one core) of some processes and of the machine between start() and stop(),
 * and samples the resident memory of `memoryPid` for its peak.
 */
export function startCpuWindow({ pids, memoryPid, sampleMs = 200 }) {
  const at = performance.now();
  const startCpu = pids.map(cpuSeconds);
  const startMachine = machineBusySeconds();
  let peakRssKb = memoryKb(memoryPid).rssKb;
  const timer = setInterval(() => {
    peakRssKb = Math.max(peakRssKb, memoryKb(memoryPid).rssKb || 0);
  }, sampleMs);
  return {
    stop() {
      clearInterval(timer);
      peakRssKb = Math.max(peakRssKb, memoryKb(memoryPid).rssKb || 0);
      const seconds = (performance.now() - at) / 1000;
      const pct = (cpu) => (cpu / seconds) * 100;
      const perPid = pids.map((pid, i) => pct(cpuSeconds(pid) - startCpu[i]));
      return { perPid, machine: pct(machineBusySeconds() - startMachine), peakRssKb, seconds };
    },
  };
}

/** Waits until a process uses less than `maxPct` of a core over `windowMs`, or `timeoutMs` passes. */
export async function waitUntilQuiet(pid, { maxPct = 15, windowMs = 500, timeoutMs = 20_000 } = {}) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const before = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, windowMs));
    const pct = ((cpuSeconds(pid) - before) / (windowMs / 1000)) * 100;
    if (!(pct > maxPct)) return true;
  }
  return false;
}
