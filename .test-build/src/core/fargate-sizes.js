"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.FARGATE_EPHEMERAL_STORAGE_GIB = exports.FARGATE_TASK_SIZES = void 0;
exports.fargateMemoryOptions = fargateMemoryOptions;
exports.checkFargateTaskSize = checkFargateTaskSize;
/**
 * The task sizes AWS Fargate offers (Linux): each CPU value in CPU units (1024 = 1 vCPU) allows memory from a
 * minimum to a maximum in fixed steps, in MiB. Any other pair is rejected by ECS at deploy time, so it is
 * rejected here at synth time instead.
 */
exports.FARGATE_TASK_SIZES = [
    { cpu: 256, minMiB: 512, maxMiB: 2048, stepMiB: 512 },
    { cpu: 512, minMiB: 1024, maxMiB: 4096, stepMiB: 1024 },
    { cpu: 1024, minMiB: 2048, maxMiB: 8192, stepMiB: 1024 },
    { cpu: 2048, minMiB: 4096, maxMiB: 16384, stepMiB: 1024 },
    { cpu: 4096, minMiB: 8192, maxMiB: 30720, stepMiB: 1024 },
    { cpu: 8192, minMiB: 16384, maxMiB: 61440, stepMiB: 4096 },
    { cpu: 16384, minMiB: 32768, maxMiB: 122880, stepMiB: 8192 },
];
/** Ephemeral storage a Fargate task may be given, in GiB (20 GiB is what every task gets without asking). */
exports.FARGATE_EPHEMERAL_STORAGE_GIB = { min: 21, max: 200 };
/** The memory values, in MiB, Fargate allows with `cpu` units; empty for a CPU value it does not offer. */
function fargateMemoryOptions(cpu) {
    const size = exports.FARGATE_TASK_SIZES.find((candidate) => candidate.cpu === cpu);
    if (size === undefined)
        return [];
    // 256 CPU units allow 512 MiB, then whole GiB: the one range whose steps are not even.
    if (cpu === 256)
        return [512, 1024, 2048];
    const options = [];
    for (let memory = size.minMiB; memory <= size.maxMiB; memory += size.stepMiB)
        options.push(memory);
    return options;
}
/**
 * Checks a Fargate task size through `validator`, under `path` (e.g. `cpu`, `memoryLimitMiB`): the CPU value is
 * one Fargate offers, the memory is one of the values allowed with it, and ephemeral storage is 21–200 GiB.
 * Unresolved values (tokens) are skipped. Returns whether the size is valid.
 */
function checkFargateTaskSize(validator, size, pathPrefix = '') {
    const path = (name) => `${pathPrefix}${name}`;
    let valid = validator.integer(path('ephemeralStorageGiB'), size.ephemeralStorageGiB, exports.FARGATE_EPHEMERAL_STORAGE_GIB.min, exports.FARGATE_EPHEMERAL_STORAGE_GIB.max, 'GiB');
    const cpus = exports.FARGATE_TASK_SIZES.map((candidate) => candidate.cpu);
    if (size.cpu === undefined || validator.isUnresolved(size.cpu))
        return valid;
    if (!validator.oneOf(path('cpu'), size.cpu, cpus))
        return false;
    if (size.memoryLimitMiB === undefined || validator.isUnresolved(size.memoryLimitMiB))
        return valid;
    const allowed = fargateMemoryOptions(size.cpu);
    if (!allowed.includes(size.memoryLimitMiB)) {
        const sizeFacts = exports.FARGATE_TASK_SIZES.find((candidate) => candidate.cpu === size.cpu);
        const described = size.cpu === 256
            ? '512, 1024 or 2048 MiB'
            : `${sizeFacts.minMiB} to ${sizeFacts.maxMiB} MiB in steps of ${sizeFacts.stepMiB}`;
        validator.report({
            path: path('memoryLimitMiB'),
            value: size.memoryLimitMiB,
            allowed: `${described} with cpu ${size.cpu}`,
            reason: 'Fargate offers only these cpu/memory combinations',
        }, [size.cpu, size.memoryLimitMiB]);
        valid = false;
    }
    return valid;
}
