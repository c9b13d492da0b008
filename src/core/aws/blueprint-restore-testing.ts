import { ManagedPostgresKind, backupResourceTypeOf } from './managed-postgres-database';
import {
  RestoreTestingOptions, RestoreTestingPlan, RestoreTestingSelectionPlan, checkRestoreTestingOptions, checkRestoreTestingWindow, planRestoreTesting,
  restoreTestingName,
} from './restore-testing';
import { resolveBackupPlan } from '../policy/defaults';
import { BackupPolicy } from '../policy/policy';
import { Validator } from '../policy/validation';

/**
 * AWS Backup restore testing of a blueprint's managed servers: when, which recovery point, where it is restored and how
 * long it lives, the same for every tested server. The restore proves that the recovery point restores; the data of
 * each database is checked by the fleet's dump drills (`verification` of its tier).
 */
export type BlueprintRestoreTestingOptions = Omit<RestoreTestingOptions, 'validation'>;

/** What restore testing needs to know of one server of the fleet. */
export interface BlueprintRestoreTestingServer {
  /** Its position in the blueprint's `databases`. */
  readonly index: number;
  /** Whether it is an RDS instance or Aurora cluster. */
  readonly managed: boolean;
  /** Its tier's policy with the overrides: restore tests need its `backupPlan`. */
  readonly policy: BackupPolicy;
  /**
   * Instance or Aurora cluster, when managed.
   * @default 'instance'
   */
  readonly kind?: ManagedPostgresKind;
  /**
   * The server's own setting: `false` leaves it out, `true` insists that it is tested.
   * @default - tested when the blueprint's `restoreTesting` is set and the server can be
   */
  readonly restoreTesting?: boolean;
}

/** One selection of the fleet's restore testing plan: the tested servers of one resource type (positions in `databases`). */
export type BlueprintRestoreTestingSelectionPlan = RestoreTestingSelectionPlan;

/** The fleet's restore testing: one plan over the fleet's vault, one selection per resource type. */
export interface BlueprintRestoreTestingPlan {
  /** The restore testing plan, its vault filled in by the front end. */
  readonly plan: RestoreTestingPlan['plan'];
  /** The role AWS Backup restores with. */
  readonly role: RestoreTestingPlan['role'];
  /** One selection per resource type among the tested servers (RDS instances, Aurora clusters). */
  readonly selections: readonly BlueprintRestoreTestingSelectionPlan[];
  /** Every tested server (positions in `databases`). */
  readonly serverIndexes: readonly number[];
  /** What each tested server's protection metadata says of the restore tests. */
  readonly protection: RestoreTestingPlan['protection'];
}

const CAN_BE_TESTED = 'an RDS instance or Aurora cluster whose tier has a backupPlan (restore tests restore its AWS Backup recovery points)';

/** Whether a server can be restore-tested: a managed database that the fleet's vault holds recovery points of. */
function canBeTested(server: BlueprintRestoreTestingServer): boolean {
  return server.managed && server.policy.backupPlan !== undefined;
}

/** The servers that are tested: those that can be, unless they say `restoreTesting: false`. */
function testedServers(servers: readonly BlueprintRestoreTestingServer[]): BlueprintRestoreTestingServer[] {
  return servers.filter((server) => canBeTested(server) && server.restoreTesting !== false);
}

/** Every problem with the blueprint's `restoreTesting` and the servers' own settings. */
export function checkBlueprintRestoreTesting(
  validator: Validator, options: BlueprintRestoreTestingOptions | undefined, servers: readonly BlueprintRestoreTestingServer[],
): void {
  for (const server of servers) {
    if (server.restoreTesting !== true) continue;
    const path = `databases[${server.index}].restoreTesting`;
    if (!canBeTested(server)) validator.report({ path, value: true, allowed: `true only on ${CAN_BE_TESTED}` });
    else if (options === undefined) validator.report({ path, value: true, allowed: 'true only when the blueprint\'s restoreTesting (schedule and network of the tests) is set' });
  }
  if (options === undefined || validator.isUnresolved(options)) return;
  // Plain JavaScript is not held to the type.
  const { validation, ...restoreOnly } = options as RestoreTestingOptions;
  if (validation !== undefined) {
    validator.report({
      path: 'restoreTesting.validation',
      value: validation,
      allowed: 'unset: the blueprint\'s restore tests prove that recovery points restore; its dump drills (the tier\'s verification) check the data',
    }, []);
  }
  checkRestoreTestingOptions(validator, restoreOnly, 'instance');
  for (const server of testedServers(servers)) {
    if (server.policy.backupPlan !== undefined) {
      checkRestoreTestingWindow(validator, restoreOnly, server.policy.backupPlan, `the backupPlan of databases[${server.index}] (its tier with its overrides)`);
    }
  }
  if (servers.length > 0 && testedServers(servers).length === 0) {
    validator.report({
      path: 'restoreTesting',
      value: options,
      allowed: `unset, or a fleet with ${CAN_BE_TESTED} that does not set restoreTesting: false`,
    }, []);
  }
}

/**
 * The fleet's restore testing (call after {@link checkBlueprintRestoreTesting}): one plan over the fleet's vault
 * choosing a recovery point on the schedule, with continuous recovery points when a tested server's plan has
 * continuous backup, and one selection per resource type of the tested servers.
 * @param name the blueprint's name, made into AWS Backup's name syntax
 */
export function planBlueprintRestoreTesting(
  options: BlueprintRestoreTestingOptions | undefined, servers: readonly BlueprintRestoreTestingServer[], name: string,
): BlueprintRestoreTestingPlan | undefined {
  if (options === undefined) return undefined;
  const tested = testedServers(servers);
  if (tested.length === 0) return undefined;
  const continuous = tested.some((server) => resolveBackupPlan(server.policy.backupPlan!).continuousBackupRetentionDays !== undefined);
  const kinds = [...new Set(tested.map((server) => server.kind ?? 'instance'))].sort();
  const plans = kinds.map((kind) => ({ kind, planned: planRestoreTesting(options, kind, continuous, name) }));
  const { plan, role, protection } = plans[0].planned;
  return {
    plan,
    role: { ...role, description: 'AWS Backup restores recovery points of the fleet\'s managed databases with this role for restore tests' },
    selections: plans.map(({ kind, planned }) => {
      const type = backupResourceTypeOf(kind);
      return {
        id: `RestoreTestingSelection${type}`,
        name: `restore-testing-selection-${type.toLowerCase()}`,
        selection: { ...planned.selection, name: restoreTestingName(`${name}_${type}`) },
        serverIndexes: tested.filter((server) => (server.kind ?? 'instance') === kind).map((server) => server.index),
      };
    }),
    serverIndexes: tested.map((server) => server.index),
    protection,
  };
}
