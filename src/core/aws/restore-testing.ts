import { BackupServiceRolePlan } from './backup-plan-rules';
import { ManagedPostgresKind, backupResourceTypeOf } from './managed-postgres-database';
import {
  RestoreValidationFacts, RestoreValidationOptions, RestoreValidationPlan, checkRestoreValidationOptions, planRestoreValidation,
} from './restore-testing-validation';
import { readCheckFiles } from './snapshot-restore-drill';
import { resolveBackupPlan } from '../policy/defaults';
import { BackupPlanPolicy, ScheduleSpec } from '../policy/policy';
import { checkNonBlank, isKnownNumber } from '../policy/rules/bounds';
import { checkSchedule, checkUtcRenderable, longestIntervalMinutes, renderAwsBackupSchedule } from '../policy/schedule';
import { Validator } from '../policy/validation';

/** When restore tests run unless told otherwise: weekly, Monday 06:00 UTC. */
export const DEFAULT_RESTORE_TESTING_SCHEDULE: ScheduleSpec = { expression: '0 6 * * 1', timezone: 'UTC' };
/** The AWS managed policy AWS Backup restores a recovery point with in a restore test. */
export const RESTORE_TESTING_MANAGED_POLICY = 'service-role/AWSBackupServiceRolePolicyForRestores';

/** AWS Backup restore testing of a managed database's recovery points: which point, when, where it is restored, how long it lives. */
export interface RestoreTestingOptions<Validation extends RestoreValidationOptions = RestoreValidationOptions> {
  /**
   * When a restore test starts (cron or rate, in its time zone; AWS Backup runs it in UTC).
   * @default - weekly, Monday 06:00 UTC
   */
  readonly schedule?: ScheduleSpec;
  /**
   * Which recovery point is restored: the newest within the selection window, or a random one in it (which proves
   * older points too).
   * @default 'latest'
   */
  readonly recoveryPoint?: 'latest' | 'random';
  /**
   * How far back recovery points are chosen from, days (1–365), at least the longest time the backup plan goes
   * without a new recovery point (31 for a monthly rule alone), unless it has continuous backup.
   * @default 7
   */
  readonly selectionWindowDays?: number;
  /**
   * Hours after the scheduled time within which the test must start, or it is skipped (1–168).
   * @default 24
   */
  readonly startWindowHours?: number;
  /**
   * Hours the restored database is kept for validation before AWS Backup deletes it (0–168).
   * @default 1
   */
  readonly validationWindowHours?: number;
  /**
   * DB subnet group the database is restored into, so it lands in isolated subnets.
   * @default - the one AWS Backup infers (the default VPC's, which may not exist)
   */
  readonly dbSubnetGroupName?: string;
  /**
   * Security groups of the restored database, so nothing but the checks can reach it.
   * @default - the ones AWS Backup infers
   */
  readonly vpcSecurityGroupIds?: string[];
  /**
   * Validate each restore test with `pg-backup check` against the restored database and report the result to AWS
   * Backup (`PutRestoreValidationResult`): the restore job's completion starts a state machine that runs the checks in a
   * Fargate task; a failure notifies the topic. The front end then needs the network of the checks and the secret of
   * the master user the restored database keeps.
   * @default - no validation: a restore test proves only that the recovery point restores
   */
  readonly validation?: Validation;
}

/** What a front end knows for the validation of restore tests: the database's secret, major, check files and result store. */
export type RestoreValidationFrontEndFacts = Pick<
  RestoreValidationFacts, 'databaseName' | 'postgresMajorVersion' | 'hasSecret' | 'checkFiles' | 'writeDrillResult' | 'logRetentionDays'
>;

/**
 * What a front end knows for the validation of restore tests: the check files read now, whether a result store was
 * given, the checks' log retention when given in days, and what it knows of the database and its secret.
 */
export function restoreValidationFrontEndFacts(
  validation: { readonly checkFiles?: string[]; readonly drillResults?: unknown; readonly logRetentionDays?: number },
  known: Pick<RestoreValidationFacts, 'databaseName' | 'postgresMajorVersion' | 'hasSecret'>,
): RestoreValidationFrontEndFacts {
  return {
    ...known,
    checkFiles: readCheckFiles(validation.checkFiles),
    writeDrillResult: validation.drillResults !== undefined,
    logRetentionDays: validation.logRetentionDays,
  };
}

/** The restore testing plan and selection a front end creates, decided once. */
export interface RestoreTestingPlan {
  /** `AWS::Backup::RestoreTestingPlan` / `aws.backup.RestoreTestingPlan`, its vault filled in by the front end. */
  readonly plan: {
    /** Name: letters, digits and underscores, at most 50. */
    readonly name: string;
    /** AWS Backup's `cron(…)` in UTC. */
    readonly scheduleExpression: string;
    /** Hours within which a test must start. */
    readonly startWindowHours: number;
    /** `LATEST_WITHIN_WINDOW` or `RANDOM_WITHIN_WINDOW`. */
    readonly algorithm: 'LATEST_WITHIN_WINDOW' | 'RANDOM_WITHIN_WINDOW';
    /** `SNAPSHOT`, and `CONTINUOUS` when the plan has continuous backup. */
    readonly recoveryPointTypes: readonly ('SNAPSHOT' | 'CONTINUOUS')[];
    /** Days recovery points are chosen from. */
    readonly selectionWindowDays: number;
  };
  /** `AWS::Backup::RestoreTestingSelection` of the database, its ARN and role filled in by the front end. */
  readonly selection: {
    /** Name: letters, digits and underscores, at most 50. */
    readonly name: string;
    /** `RDS` or `Aurora`. */
    readonly protectedResourceType: 'RDS' | 'Aurora';
    /** Restore metadata overrides: the subnet group of the restored database. */
    readonly restoreMetadataOverrides?: Readonly<Record<string, string>>;
    /**
     * The security groups the user gave the restored database (`restoreTesting.vpcSecurityGroupIds`), as given: the
     * front end writes them as the JSON list AWS Backup reads, with its own stringify, since they may be deploy-time
     * values (a CDK token, a Pulumi output) that only the framework can write into JSON.
     */
    readonly restoredSecurityGroupIds?: readonly string[];
    /** Hours the restored database is kept. */
    readonly validationWindowHours: number;
  };
  /** The role AWS Backup restores with. */
  readonly role: BackupServiceRolePlan;
  /** The selections as created: here the one of the database (position 0). */
  readonly selections: readonly RestoreTestingSelectionPlan[];
  /** The validation of each restore test, when asked for. */
  readonly validation?: RestoreValidationPlan;
  /** What the protection metadata says of the restore tests. */
  readonly protection: {
    readonly kind: 'restore-testing';
    /** AWS Backup's schedule, UTC. */
    readonly schedule: string;
    /** `latest` or `random` recovery point of the window. */
    readonly recoveryPoint: 'latest' | 'random';
    /** Days recovery points are chosen from. */
    readonly selectionWindowDays: number;
    /** The checks of each restored database (SQL statements and row bounds), when validated. */
    readonly checks?: number;
  };
}

/** One selection of a restore testing plan as created: the databases of one resource type. */
export interface RestoreTestingSelectionPlan {
  /** Construct id in CDK. */
  readonly id: string;
  /** Resource name suffix in Pulumi. */
  readonly name: string;
  /** The selection, its ARNs and role filled in by the front end. */
  readonly selection: RestoreTestingPlan['selection'];
  /** The databases it selects (positions). */
  readonly serverIndexes: readonly number[];
}

/**
 * The restore testing plan's properties over the vault whose ARN (or a front end's handle of it) is `vaultArn`, in the
 * names both AWS Backup resources share (each front end adds the plan's name under its own key).
 */
export function restoreTestingPlanProperties<Arn>(plan: RestoreTestingPlan['plan'], vaultArn: Arn) {
  return {
    scheduleExpression: plan.scheduleExpression,
    startWindowHours: plan.startWindowHours,
    recoveryPointSelection: {
      algorithm: plan.algorithm,
      includeVaults: [vaultArn],
      recoveryPointTypes: [...plan.recoveryPointTypes],
      selectionWindowDays: plan.selectionWindowDays,
    },
  };
}

/**
 * A restore testing selection's properties, restoring `protectedResourceArns` with the role `iamRoleArn`, in the names
 * both AWS Backup resources share; the restore metadata overrides carry the security groups of the restored database
 * (the JSON list the front end wrote of the selection's `restoredSecurityGroupIds`, or of the group it created), and
 * are left out when there are none.
 */
export function restoreTestingSelectionProperties<Value, Json>(
  selection: RestoreTestingPlan['selection'], protectedResourceArns: Value[], iamRoleArn: Value, restoredSecurityGroupIds?: Json,
) {
  const overrides: Record<string, string | Json> = {
    ...selection.restoreMetadataOverrides,
    ...(restoredSecurityGroupIds !== undefined ? { vpcSecurityGroupIds: restoredSecurityGroupIds } : {}),
  };
  return {
    protectedResourceType: selection.protectedResourceType,
    protectedResourceArns,
    iamRoleArn,
    restoreMetadataOverrides: Object.keys(overrides).length > 0 ? overrides : undefined,
    validationWindowHours: selection.validationWindowHours,
  };
}

/** The resources of a restore test's validation, in a front end's classes: each front end names them the same. */
export interface RestoreValidationResources<StateMachine, Role, Rule, TaskDefinition, SecurityGroup, Queue, Alarm> {
  /** The state machine that validates each restore test. */
  readonly stateMachine: StateMachine;
  /** Its role: describe restored databases, run and stop the checks task, report, count, notify. */
  readonly role: Role;
  /** The rule that starts it when a restore job of the plan completes. */
  readonly rule: Rule;
  /** The checks task definition. */
  readonly taskDefinition: TaskDefinition;
  /** Security group of the checks task. */
  readonly taskSecurityGroup: SecurityGroup;
  /** Security group of the restored database (reachable from the checks task only), when none was given. */
  readonly restoredSecurityGroup?: SecurityGroup;
  /** Where the rule puts the starts it could not make. */
  readonly deadLetterQueue: Queue;
  /** Alarms: a failed validation, a start the rule could not make. */
  readonly alarms: readonly Alarm[];
}

/** The resources of core's restore testing plan, in a front end's classes. */
export interface RestoreTestingResources<Plan, Selection, Role, Validation> {
  /** The restore testing plan. */
  readonly plan: Plan;
  /** The selection of the database (the first of `selections`). */
  readonly selection: Selection;
  /** Every selection: here the one of the database. */
  readonly selections: readonly Selection[];
  /** The role AWS Backup restores with. */
  readonly role: Role;
  /** The validation of each test, when asked for. */
  readonly validation?: Validation;
}

/**
 * What a front end renders core's restore testing plan with besides the plan, in its values (`Value`: strings, tokens,
 * outputs), with the validation's options as given (`Options`) and its handles (`Handles`).
 */
export interface RestoreTestingHandlesOf<Value, Options, Handles> {
  /** ARN of the vault whose recovery points are tested. */
  readonly vaultArn: Value;
  /** ARN of the database at a position of a selection's `serverIndexes`. */
  readonly databaseArn: (position: number) => Value;
  /**
   * The validation's options, as given, and its handles.
   * @default - no validation
   */
  readonly validation?: { readonly options: Options; readonly handles: Handles };
}

/** A restore testing name from a construct's name: letters, digits and underscores, at most 50 characters. */
export function restoreTestingName(base: string): string {
  return base.replace(/[^A-Za-z0-9_]/g, '_').slice(-50);
}

/** The selection window of restore tests when `selectionWindowDays` is unset, days. */
export const DEFAULT_RESTORE_TESTING_SELECTION_WINDOW_DAYS = 7;

/**
 * Reports a selection window of restore tests shorter than the longest time `plan` goes without a new recovery point:
 * a restore test chooses among the recovery points of the last `selectionWindowDays` only, so with a monthly rule and a
 * 7-day window most tests find nothing to restore and prove nothing. Continuous backup always has a recovery point.
 * `owner` names whose plan it is in the message (`backupPlan`, `the backupPlan of databases[2]`).
 */
export function checkRestoreTestingWindow(
  validator: Validator, options: RestoreTestingOptions | undefined, plan: BackupPlanPolicy, owner = 'backupPlan',
): void {
  if (options === undefined || validator.isUnresolved(options, plan, plan.rules)) return;
  if (plan.continuousBackupRetentionDays !== undefined) return;
  const days = options.selectionWindowDays ?? DEFAULT_RESTORE_TESTING_SELECTION_WINDOW_DAYS;
  // A window or schedule that is not valid was reported where it is written.
  if (!isKnownNumber(validator, days) || !Number.isInteger(days) || days < 1 || days > 365) return;
  const resolved = resolveBackupPlan(plan).rules;
  const unknown = resolved.some((rule) => validator.isUnresolved(rule, rule.schedule, rule.schedule.expression, rule.schedule.timezone));
  if (resolved.length === 0 || unknown) return;
  let gaps: Array<{ index: number; minutes: number }>;
  try {
    gaps = resolved.map((rule, index) => ({ index, minutes: longestIntervalMinutes(rule.schedule, `backupPlan.rules[${index}].schedule`) }));
  } catch {
    return;
  }
  const densest = gaps.reduce((best, gap) => (gap.minutes < best.minutes ? gap : best));
  const needed = Math.ceil(densest.minutes / 1440);
  if (days >= needed) return;
  validator.report({
    path: 'restoreTesting.selectionWindowDays',
    value: days,
    allowed: `an integer from ${needed} to 365 days (${owner}: rules[${densest.index}], its most frequent rule, makes a recovery point only every ${needed} days)`,
    reason: 'a restore test chooses among the recovery points of its window, so a shorter window leaves most tests nothing to restore',
  }, [days]);
}

/** Every problem with restore testing options, named under `restoreTesting.`. */
export function checkRestoreTestingOptions(
  validator: Validator, options: RestoreTestingOptions | undefined, kind: ManagedPostgresKind,
  facts: RestoreValidationFrontEndFacts = NO_VALIDATION_FACTS,
): void {
  if (options === undefined || validator.isUnresolved(options)) return;
  if (options.recoveryPoint !== undefined && !['latest', 'random'].includes(options.recoveryPoint)) {
    validator.report({ path: 'restoreTesting.recoveryPoint', value: options.recoveryPoint, allowed: '"latest" or "random"' });
  }
  validator.integer('restoreTesting.selectionWindowDays', options.selectionWindowDays, 1, 365, 'days');
  validator.integer('restoreTesting.startWindowHours', options.startWindowHours, 1, 168, 'hours');
  validator.integer('restoreTesting.validationWindowHours', options.validationWindowHours, 0, 168, 'hours');
  if (options.vpcSecurityGroupIds !== undefined && !validator.isUnresolved(options.vpcSecurityGroupIds) && options.vpcSecurityGroupIds.length === 0) {
    validator.report({ path: 'restoreTesting.vpcSecurityGroupIds', value: [], allowed: 'one or more security group ids, or unset' });
  }
  validator.distinctNonEmptyStrings('restoreTesting.vpcSecurityGroupIds', options.vpcSecurityGroupIds, 'security group id');
  checkNonBlank(validator, 'restoreTesting.dbSubnetGroupName', options.dbSubnetGroupName, 'the name of a DB subnet group');
  // AWS Backup runs the restore tests on this schedule: checked here, under the prop, before the plan renders it.
  if (checkSchedule(validator, 'restoreTesting.schedule', options.schedule)) {
    checkUtcRenderable(validator, 'restoreTesting.schedule', options.schedule, 'AWS Backup');
  }
  if (options.validation !== undefined && options.dbSubnetGroupName === undefined) {
    validator.report({
      path: 'restoreTesting.dbSubnetGroupName',
      value: undefined,
      allowed: 'a DB subnet group in the VPC of the checks, when restoreTesting.validation is set (the checks task must reach the restored database)',
    });
  }
  if (options.validation !== undefined) {
    checkRestoreValidationOptions(validator, options.validation, validationFacts(options, kind, facts));
  }
}

/** What is known when a front end gives nothing about the validation. */
const NO_VALIDATION_FACTS: RestoreValidationFrontEndFacts = { hasSecret: false, checkFiles: [], writeDrillResult: false };

function validationFacts(
  options: RestoreTestingOptions, kind: ManagedPostgresKind, facts: RestoreValidationFrontEndFacts, metricNamespace?: string,
): RestoreValidationFacts {
  return {
    ...facts,
    kind,
    validationWindowHours: options.validationWindowHours ?? 1,
    restoredSecurityGroupsGiven: options.vpcSecurityGroupIds !== undefined,
    metricNamespace,
  };
}

/**
 * The restore testing of a managed database's recovery points (call after {@link checkRestoreTestingOptions}): the plan
 * choosing a recovery point on the schedule, the selection of the database with the overrides that isolate the
 * restored copy, and the role AWS Backup restores with. A failed restore job pages through the plan's failed-restore
 * rule.
 * @param name the construct's name, made into AWS Backup's name syntax
 */
export function planRestoreTesting(
  options: RestoreTestingOptions, kind: ManagedPostgresKind, continuousBackup: boolean, name: string,
  facts: RestoreValidationFrontEndFacts = NO_VALIDATION_FACTS, metricNamespace?: string,
): RestoreTestingPlan {
  const overrides: Record<string, string> = {
    ...(options.dbSubnetGroupName !== undefined ? { dbSubnetGroupName: options.dbSubnetGroupName } : {}),
  };
  const scheduleExpression = renderAwsBackupSchedule(options.schedule ?? DEFAULT_RESTORE_TESTING_SCHEDULE, 'restoreTesting.schedule');
  const validation = options.validation && planRestoreValidation(options.validation, validationFacts(options, kind, facts, metricNamespace));
  const selection: RestoreTestingPlan['selection'] = {
    name: restoreTestingName(`${name}_database`),
    protectedResourceType: backupResourceTypeOf(kind),
    restoreMetadataOverrides: Object.keys(overrides).length > 0 ? overrides : undefined,
    ...(options.vpcSecurityGroupIds !== undefined ? { restoredSecurityGroupIds: options.vpcSecurityGroupIds } : {}),
    validationWindowHours: options.validationWindowHours ?? 1,
  };
  return {
    plan: {
      name: restoreTestingName(name),
      scheduleExpression,
      startWindowHours: options.startWindowHours ?? 24,
      algorithm: options.recoveryPoint === 'random' ? 'RANDOM_WITHIN_WINDOW' : 'LATEST_WITHIN_WINDOW',
      recoveryPointTypes: continuousBackup ? ['SNAPSHOT', 'CONTINUOUS'] : ['SNAPSHOT'],
      selectionWindowDays: options.selectionWindowDays ?? DEFAULT_RESTORE_TESTING_SELECTION_WINDOW_DAYS,
    },
    selection,
    selections: [{ id: 'RestoreTestingSelection', name: 'restore-testing-selection', selection, serverIndexes: [0] }],
    role: {
      description: 'AWS Backup restores recovery points of the database with this role for restore tests',
      managedPolicy: RESTORE_TESTING_MANAGED_POLICY,
    },
    validation,
    protection: {
      kind: 'restore-testing',
      schedule: scheduleExpression,
      recoveryPoint: options.recoveryPoint ?? 'latest',
      selectionWindowDays: options.selectionWindowDays ?? DEFAULT_RESTORE_TESTING_SELECTION_WINDOW_DAYS,
      checks: validation?.checkCount,
    },
  };
}
