import { resolveLogicalDump } from '../policy/defaults';
import { directoryDumpScratchGiB } from '../policy/dump-scratch-storage';
import { LogicalDumpPolicy } from '../policy/policy';
import { Validator } from '../policy/validation';

/**
 * The task sizes AWS Fargate offers (Linux): each CPU value in CPU units (1024 = 1 vCPU) allows memory from a
 * minimum to a maximum in fixed steps, in MiB. Any other pair is rejected by ECS at deploy time, so it is
 * rejected here at synth time instead.
 */
export const FARGATE_TASK_SIZES: ReadonlyArray<{
  readonly cpu: number;
  readonly minMiB: number;
  readonly maxMiB: number;
  readonly stepMiB: number;
}> = [
  { cpu: 256, minMiB: 512, maxMiB: 2048, stepMiB: 512 },
  { cpu: 512, minMiB: 1024, maxMiB: 4096, stepMiB: 1024 },
  { cpu: 1024, minMiB: 2048, maxMiB: 8192, stepMiB: 1024 },
  { cpu: 2048, minMiB: 4096, maxMiB: 16384, stepMiB: 1024 },
  { cpu: 4096, minMiB: 8192, maxMiB: 30720, stepMiB: 1024 },
  { cpu: 8192, minMiB: 16384, maxMiB: 61440, stepMiB: 4096 },
  { cpu: 16384, minMiB: 32768, maxMiB: 122880, stepMiB: 8192 },
];

/** Ephemeral storage a Fargate task may be given, in GiB (20 GiB is what every task gets without asking). */
export const FARGATE_EPHEMERAL_STORAGE_GIB = { min: 21, max: 200 } as const;

/** The memory values, in MiB, Fargate allows with `cpu` units; empty for a CPU value it does not offer. */
export function fargateMemoryOptions(cpu: number): number[] {
  const size = FARGATE_TASK_SIZES.find((candidate) => candidate.cpu === cpu);
  if (size === undefined) return [];
  // 256 CPU units allow 512 MiB, then whole GiB: the one range whose steps are not even.
  if (cpu === 256) return [512, 1024, 2048];
  const options: number[] = [];
  for (let memory = size.minMiB; memory <= size.maxMiB; memory += size.stepMiB) options.push(memory);
  return options;
}

/** The size of a planned Fargate task, as each front end's task renderer takes it. */
export interface PlannedTaskSize {
  /** CPU units. */
  readonly cpu: number;
  /** Memory, MiB. */
  readonly memoryLimitMiB: number;
  /**
   * Ephemeral storage, GiB.
   * @default - Fargate's 20 GiB
   */
  readonly ephemeralStorageGiB?: number;
}

/** A Fargate task size to check; absent values are the caller's defaults and are not checked. */
export interface FargateTaskSize {
  /**
   * CPU units.
   * @default - not checked
   */
  readonly cpu?: number;
  /**
   * Memory in MiB.
   * @default - not checked
   */
  readonly memoryLimitMiB?: number;
  /**
   * Ephemeral storage in GiB.
   * @default - not checked (Fargate's 20 GiB)
   */
  readonly ephemeralStorageGiB?: number;
}

/** Where each part of a task size is in a construct's props, when they are not named `cpu`, `memoryLimitMiB`, `ephemeralStorageGiB`. */
export type FargateTaskSizePaths = Readonly<Record<keyof FargateTaskSize, string>>;

/**
 * Checks a Fargate task size through `validator`, under `paths` (a prefix of `cpu`, `memoryLimitMiB` and
 * `ephemeralStorageGiB`, such as `drill.`, or the prop of each, such as `dumpCpu`): the CPU value is one Fargate
 * offers, the memory is one of the values allowed with it, and ephemeral storage is 21–200 GiB. Unresolved values
 * (tokens) are skipped. Returns whether the size is valid.
 */
export function checkFargateTaskSize(validator: Validator, size: FargateTaskSize, paths: string | FargateTaskSizePaths = ''): boolean {
  const path = (name: keyof FargateTaskSize) => (typeof paths === 'string' ? `${paths}${name}` : paths[name]);
  let valid = validator.integer(
    path('ephemeralStorageGiB'), size.ephemeralStorageGiB, FARGATE_EPHEMERAL_STORAGE_GIB.min, FARGATE_EPHEMERAL_STORAGE_GIB.max, 'GiB',
  );
  const cpus = FARGATE_TASK_SIZES.map((candidate) => candidate.cpu);
  if (size.cpu === undefined) return valid;
  // An unresolved cpu or memory is skipped, or refused where the front end needs a literal.
  if (!validator.oneOf(path('cpu'), size.cpu, cpus)) return false;
  if (size.memoryLimitMiB === undefined) return valid;
  if (validator.deferredOrRefused(path('memoryLimitMiB'), size.memoryLimitMiB, `a memory size Fargate offers with ${path('cpu')}`)) {
    return valid && !validator.requiresLiteral(path('memoryLimitMiB'));
  }
  if (validator.isUnresolved(size.cpu)) return valid;
  const allowed = fargateMemoryOptions(size.cpu);
  if (!allowed.includes(size.memoryLimitMiB)) {
    const sizeFacts = FARGATE_TASK_SIZES.find((candidate) => candidate.cpu === size.cpu)!;
    const described = size.cpu === 256
      ? '512, 1024 or 2048 MiB'
      : `${sizeFacts.minMiB} to ${sizeFacts.maxMiB} MiB in steps of ${sizeFacts.stepMiB}`;
    validator.report({
      path: path('memoryLimitMiB'),
      value: size.memoryLimitMiB,
      allowed: `${described} with ${path('cpu')} ${size.cpu}`,
      reason: 'Fargate offers only these cpu/memory combinations',
    }, [size.cpu, size.memoryLimitMiB]);
    valid = false;
  }
  return valid;
}

/** The disk every Fargate task has without asking for more, GiB. */
export const FARGATE_DEFAULT_EPHEMERAL_STORAGE_GIB = 20;

/**
 * The ephemeral storage, in GiB, of a Fargate task that runs the given dumps (one task definition may run the
 * dumps of several databases): a custom-format dump streams to the store and stages nothing, a directory-format
 * dump needs {@link directoryDumpScratchGiB} for its jobs, whatever the size of the database or of its tables.
 * Undefined when Fargate's own 20 GiB hold them all (no setting, no charge, as for every dump up to 64 jobs),
 * otherwise the largest need, at least Fargate's minimum setting of 21 GiB.
 */
export function dumpTaskEphemeralStorageGiB(dumps: ReadonlyArray<LogicalDumpPolicy | undefined>): number | undefined {
  let needed = 0;
  for (const dump of dumps) {
    if (dump === undefined) continue;
    const resolved = resolveLogicalDump(dump);
    if (resolved.format !== 'directory') continue;
    needed = Math.max(needed, directoryDumpScratchGiB(resolved.jobs));
  }
  if (needed <= FARGATE_DEFAULT_EPHEMERAL_STORAGE_GIB) return undefined;
  return Math.max(needed, FARGATE_EPHEMERAL_STORAGE_GIB.min);
}
