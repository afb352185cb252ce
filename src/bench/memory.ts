import { readFileSync } from 'node:fs';

/** A process's memory, in MB (10^6 bytes), from Linux's /proc. */
export interface ProcessMemory {
  /** Resident set size now. */
  rssMb: number;
  /** Peak resident set size (VmHWM). */
  peakRssMb: number;
  /** Resident anonymous memory: heaps, arenas, copies of weights. */
  anonMb: number;
  /** Resident file-backed memory (mapped files, shared with the page cache). */
  fileMb: number;
  /**
   * Proportional set size: shared pages split between the mappings that use
   * them. RSS counts a file page mapped twice in one process twice; PSS once.
   */
  pssMb?: number;
}

function kilobytes(text: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

const megabytes = (kb: number | undefined) => (kb === undefined ? Number.NaN : (kb * 1024) / 1e6);

/** Reads `pid`'s memory; undefined where /proc is unavailable or the process is gone. */
export function processMemory(pid: number = process.pid): ProcessMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  let pss: number | undefined;
  try {
    pss = kilobytes(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
  } catch {
    pss = undefined;
  }
  return {
    rssMb: megabytes(kilobytes(status, 'VmRSS')),
    peakRssMb: megabytes(kilobytes(status, 'VmHWM')),
    anonMb: megabytes(kilobytes(status, 'RssAnon')),
    fileMb: megabytes(kilobytes(status, 'RssFile')),
    pssMb: pss === undefined ? undefined : megabytes(pss),
  };
}
