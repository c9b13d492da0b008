import {
  BlueprintServerHandle, PostgresBackupBlueprintOptions, blueprintProtections, planPostgresBackupBlueprint,
} from '../../../src/core/aws/postgres-backup-blueprint';
import { BackupTier } from '../../../src/core/policy/backup-tier';
import { validationErrorOf } from '../../support/validation-cases';

const INSTANCE: BlueprintServerHandle = { managed: true, kind: 'instance', postgresMajorVersion: 16 };
const AURORA: BlueprintServerHandle = { managed: true, kind: 'aurora-cluster', postgresMajorVersion: 16 };
const SELF_MANAGED: BlueprintServerHandle = { managed: false, postgresMajorVersion: 16 };
const ISOLATED = { dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: ['sg-0123456789abcdef0'] };

/** A fleet of BRONZE servers (a daily AWS Backup plan) of the given kinds, ids `s0`, `s1`, … */
function fleet(
  handles: BlueprintServerHandle[], options: Partial<PostgresBackupBlueprintOptions> = {},
  entries: Array<Partial<PostgresBackupBlueprintOptions['databases'][number]>> = [],
) {
  return planPostgresBackupBlueprint({
    tier: BackupTier.BRONZE,
    databases: handles.map((_, index) => ({ id: `s${index}`, ...entries[index] })),
    ...options,
  }, { servers: handles, region: 'eu-west-1', validation: { construct: 'Stack/Fleet' }, name: 'StackFleet1234ABCD' });
}

/** The problems of the validation error `run` throws, without their reasons. */
function problems(run: () => unknown): string[] {
  return validationErrorOf(run).issues.map((issue) => `${issue.path} is ${JSON.stringify(issue.value)}; allowed: ${issue.allowed}`);
}

describe('PostgresBackupBlueprint restore testing', () => {
  test('a fleet without restoreTesting has no restore testing plan', () => {
    expect(fleet([INSTANCE]).restoreTesting).toBeUndefined();
  });

  test('one plan over the fleet vault tests every managed server, with one selection per resource type', () => {
    const plan = fleet([INSTANCE, AURORA, SELF_MANAGED, INSTANCE], { restoreTesting: { recoveryPoint: 'random', ...ISOLATED } });
    expect(plan.restoreTesting?.plan).toEqual({
      name: 'StackFleet1234ABCD',
      scheduleExpression: 'cron(0 6 ? * MON *)',
      startWindowHours: 24,
      algorithm: 'RANDOM_WITHIN_WINDOW',
      recoveryPointTypes: ['SNAPSHOT'],
      selectionWindowDays: 7,
    });
    expect(plan.restoreTesting?.selections.map(({ id, name, selection, serverIndexes }) => ({ id, name, selection, serverIndexes }))).toEqual([
      {
        id: 'RestoreTestingSelectionAurora',
        name: 'restore-testing-selection-aurora',
        selection: {
          name: 'StackFleet1234ABCD_Aurora',
          protectedResourceType: 'Aurora',
          restoreMetadataOverrides: { dbSubnetGroupName: 'isolated' },
          restoredSecurityGroupIds: ['sg-0123456789abcdef0'],
          validationWindowHours: 1,
        },
        serverIndexes: [1],
      },
      {
        id: 'RestoreTestingSelectionRDS',
        name: 'restore-testing-selection-rds',
        selection: {
          name: 'StackFleet1234ABCD_RDS',
          protectedResourceType: 'RDS',
          restoreMetadataOverrides: { dbSubnetGroupName: 'isolated' },
          restoredSecurityGroupIds: ['sg-0123456789abcdef0'],
          validationWindowHours: 1,
        },
        serverIndexes: [0, 3],
      },
    ]);
    expect(plan.restoreTesting?.serverIndexes).toEqual([0, 1, 3]);
    expect(plan.restoreTesting?.role.managedPolicy).toBe('service-role/AWSBackupServiceRolePolicyForRestores');
  });

  test('continuous recovery points are tested too when a tested server\'s plan has continuous backup', () => {
    const plan = fleet([INSTANCE, INSTANCE], { restoreTesting: {} }, [{}, { tier: BackupTier.SILVER.without('copies', 'immutability') }]);
    expect(plan.restoreTesting?.plan.recoveryPointTypes).toEqual(['SNAPSHOT', 'CONTINUOUS']);
  });

  test('a server with restoreTesting: false is left out of the selections', () => {
    const plan = fleet([INSTANCE, INSTANCE], { restoreTesting: {} }, [{ restoreTesting: false }]);
    expect(plan.restoreTesting?.selections.map((selection) => selection.serverIndexes)).toEqual([[1]]);
    expect(plan.restoreTesting?.serverIndexes).toEqual([1]);
  });

  test('each tested server records a restore-testing protection with the schedule and the window', () => {
    const plan = fleet([INSTANCE], { restoreTesting: { schedule: { expression: '0 4 * * 6' }, selectionWindowDays: 3 } });
    expect(plan.restoreTesting?.protection).toEqual({
      kind: 'restore-testing', schedule: 'cron(0 4 ? * SAT *)', recoveryPoint: 'latest', selectionWindowDays: 3, checks: undefined,
    });
  });

  test.each([
    ['a selection window beyond a year', [INSTANCE], { restoreTesting: { selectionWindowDays: 400 } }, [],
      ['restoreTesting.selectionWindowDays is 400; allowed: an integer from 1 to 365 days']],
    ['a recovery point that is neither latest nor random', [INSTANCE], { restoreTesting: { recoveryPoint: 'oldest' as never } }, [],
      ['restoreTesting.recoveryPoint is "oldest"; allowed: "latest" or "random"']],
    ['validation, which the blueprint does not offer', [INSTANCE], { restoreTesting: { validation: {} } as never }, [],
      ['restoreTesting.validation is {}; allowed: unset: the blueprint\'s restore tests prove that recovery points restore; '
        + 'its dump drills (the tier\'s verification) check the data']],
    ['a fleet with no managed server', [SELF_MANAGED], { restoreTesting: {} }, [],
      ['restoreTesting is {}; allowed: unset, or a fleet with an RDS instance or Aurora cluster whose tier has a backupPlan '
        + '(restore tests restore its AWS Backup recovery points) that does not set restoreTesting: false']],
    ['every managed server left out', [INSTANCE], { restoreTesting: {} }, [{ restoreTesting: false }],
      ['restoreTesting is {}; allowed: unset, or a fleet with an RDS instance or Aurora cluster whose tier has a backupPlan '
        + '(restore tests restore its AWS Backup recovery points) that does not set restoreTesting: false']],
    ['a self-managed server that insists on being tested', [INSTANCE, SELF_MANAGED], { restoreTesting: {} }, [{}, { restoreTesting: true }],
      ['databases[1].restoreTesting is true; allowed: true only on an RDS instance or Aurora cluster whose tier has a backupPlan '
        + '(restore tests restore its AWS Backup recovery points)']],
    ['a server whose tier has no backup plan that insists on being tested', [INSTANCE], { restoreTesting: {} },
      [{ restoreTesting: true, tier: BackupTier.BRONZE.without('backupPlan') }],
      ['databases[0].restoreTesting is true; allowed: true only on an RDS instance or Aurora cluster whose tier has a backupPlan '
        + '(restore tests restore its AWS Backup recovery points)',
      'restoreTesting is {}; allowed: unset, or a fleet with an RDS instance or Aurora cluster whose tier has a backupPlan '
        + '(restore tests restore its AWS Backup recovery points) that does not set restoreTesting: false']],
    // AWS Backup restore testing chooses among the recovery points of the last selectionWindowDays (API reference,
    // RestoreTestingPlanForCreate): a monthly plan with a 7-day window leaves most weekly tests nothing to restore.
    ['a selection window shorter than the monthly plan of a tested server', [INSTANCE, INSTANCE], { restoreTesting: {} },
      [{}, { overrides: { backupPlan: { rules: [{ name: 'monthly', frequency: 'monthly', retentionDays: 365 }] } } }],
      ['restoreTesting.selectionWindowDays is 7; allowed: an integer from 31 to 365 days (the backupPlan of databases[1] (its tier with its overrides): '
        + 'rules[0], its most frequent rule, makes a recovery point only every 31 days)']],
    ['a server that insists on being tested without the blueprint\'s restoreTesting', [INSTANCE], {}, [{ restoreTesting: true }],
      ['databases[0].restoreTesting is true; allowed: true only when the blueprint\'s restoreTesting (schedule and network of the tests) is set']],
  ])('%s is refused, naming the prop', (_, handles, options, entries, expected) => {
    const run = () => fleet(handles as BlueprintServerHandle[], options as Partial<PostgresBackupBlueprintOptions>, entries as never);
    expect(problems(run)).toEqual(expected);
  });
});

describe('the protection records of a fleet', () => {
  test('managed backups and restore testing cover all a managed server\'s backups cover; each dump record names its database\'s runbook', () => {
    const plan = fleet([AURORA, SELF_MANAGED], { restoreTesting: { recoveryPoint: 'random', ...ISOLATED } }, [{ databaseNames: ['orders', 'ledger'] }]);
    const records = blueprintProtections(plan).map(({ serverIndex, protection, coversManagedBackups, runbookLabel }) =>
      [serverIndex, protection.kind, coversManagedBackups, runbookLabel]);
    expect(records).toEqual(expect.arrayContaining([
      [0, 'logical-dump', false, 's0/orders'], [0, 'logical-dump', false, 's0/ledger'], [1, 'logical-dump', false, 's1/postgres'],
      [0, 'managed-backup', true, undefined], [0, 'restore-testing', true, undefined],
    ]));
    expect(records.filter(([, kind]) => kind !== 'logical-dump').every(([, , , runbookLabel]) => runbookLabel === undefined)).toBe(true);
    expect(records.filter(([serverIndex]) => serverIndex === 1).every(([, , coversManagedBackups]) => coversManagedBackups === false)).toBe(true);
  });
});
