import { FARGATE_TASK_SIZES, checkFargateTaskSize, fargateMemoryOptions } from '../../../src/core/aws/fargate-sizes';
import { Validator, formatIssue } from '../../../src/core/policy/validation';

function problems(size: Parameters<typeof checkFargateTaskSize>[1], isUnresolved?: (value: unknown) => boolean): string[] {
  const validator = new Validator({ isUnresolved });
  checkFargateTaskSize(validator, size);
  return validator.issues.map(formatIssue);
}

describe('Fargate task sizes', () => {
  test.each([
    { cpu: 256, memory: [512, 1024, 2048] },
    { cpu: 512, memory: [1024, 2048, 3072, 4096] },
    { cpu: 1024, memory: [2048, 3072, 4096, 5120, 6144, 7168, 8192] },
  ])('$cpu CPU units allow exactly $memory MiB', ({ cpu, memory }) => {
    expect(fargateMemoryOptions(cpu)).toEqual(memory);
  });

  test('the large sizes step by 4 GiB (8 vCPU) and 8 GiB (16 vCPU)', () => {
    expect(fargateMemoryOptions(8192)).toEqual([16384, 20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, 57344, 61440]);
    expect(fargateMemoryOptions(16384)[1] - fargateMemoryOptions(16384)[0]).toBe(8192);
    expect(fargateMemoryOptions(16384).at(-1)).toBe(122880);
  });

  test('every offered combination passes', () => {
    for (const { cpu } of FARGATE_TASK_SIZES) {
      for (const memoryLimitMiB of fargateMemoryOptions(cpu)) expect(problems({ cpu, memoryLimitMiB })).toEqual([]);
    }
  });

  test.each([
    { size: { cpu: 100 }, message: 'cpu is 100; allowed: one of: 256, 512, 1024, 2048, 4096, 8192, 16384' },
    { size: { cpu: 256, memoryLimitMiB: 3072 }, message: 'memoryLimitMiB is 3072; allowed: 512, 1024 or 2048 MiB with cpu 256 (Fargate offers only these cpu/memory combinations)' },
    { size: { cpu: 512, memoryLimitMiB: 512 }, message: 'memoryLimitMiB is 512; allowed: 1024 to 4096 MiB in steps of 1024 with cpu 512 (Fargate offers only these cpu/memory combinations)' },
    { size: { cpu: 4096, memoryLimitMiB: 32768 }, message: 'memoryLimitMiB is 32768; allowed: 8192 to 30720 MiB in steps of 1024 with cpu 4096 (Fargate offers only these cpu/memory combinations)' },
    { size: { cpu: 16384, memoryLimitMiB: 36864 }, message: 'memoryLimitMiB is 36864; allowed: 32768 to 122880 MiB in steps of 8192 with cpu 16384 (Fargate offers only these cpu/memory combinations)' },
    { size: { ephemeralStorageGiB: 20 }, message: 'ephemeralStorageGiB is 20; allowed: an integer from 21 to 200 GiB' },
    { size: { ephemeralStorageGiB: 201 }, message: 'ephemeralStorageGiB is 201; allowed: an integer from 21 to 200 GiB' },
    { size: { ephemeralStorageGiB: 30.5 }, message: 'ephemeralStorageGiB is 30.5; allowed: an integer from 21 to 200 GiB' },
  ])('rejects $size', ({ size, message }) => {
    expect(problems(size)).toEqual([message]);
  });

  test('storage, CPU and memory problems are reported together', () => {
    expect(problems({ cpu: 300, memoryLimitMiB: 1, ephemeralStorageGiB: 5 })).toHaveLength(2);
  });

  test('unresolved values are skipped', () => {
    const token = 1e9 + 7;
    expect(problems({ cpu: 256, memoryLimitMiB: token, ephemeralStorageGiB: token }, (value) => value === token)).toEqual([]);
  });
});

describe('a task size not known yet', () => {
  const unknown = { deployTime: true };
  const isUnresolved = (value: unknown) => value === unknown;

  test.each([
    { memoryLimitMiB: unknown as unknown as number, literal: false, valid: true, issues: 0 },
    { memoryLimitMiB: unknown as unknown as number, literal: true, valid: false, issues: 1 },
  ])('memory given at deploy time with a literal required: $literal is valid: $valid', ({ memoryLimitMiB, literal, valid, issues }) => {
    const validator = new Validator({ isUnresolved, literalProps: literal ? { memoryLimitMiB: 'it is written as text' } : {} });
    expect(checkFargateTaskSize(validator, { cpu: 1024, memoryLimitMiB })).toBe(valid);
    expect(validator.issues).toHaveLength(issues);
  });
});
