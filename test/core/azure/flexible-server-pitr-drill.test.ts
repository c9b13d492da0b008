import { FLEXIBLE_SERVER_DRILL_DELETE_TIMEOUT_MINUTES, planFlexibleServerPitrDrill } from '../../../src/core/azure/flexible-server-pitr-drill';
import { parseDurationSeconds } from '../../../src/runner/cli-options';

const TARGETS = {
  sourceServerId: '/subscriptions/s/resourceGroups/db/providers/Microsoft.DBforPostgreSQL/flexibleServers/orders-db',
  scratchResourceGroupName: 'orders-drills',
  user: 'orders_admin',
  sslMode: 'verify-full' as const,
};

describe('planFlexibleServerPitrDrill', () => {
  test('by default the drill runs Sundays at 03:00 UTC, restores to an hour ago and gives the restore two hours', () => {
    const plan = planFlexibleServerPitrDrill({});
    expect(plan.cron).toBe('0 3 * * 0');
    expect(plan.databaseName).toBe('postgres');
    expect(plan.runnerArgs(TARGETS)).toEqual([
      'drill-flexible-pitr', '--source-server-id', TARGETS.sourceServerId, '--resource-group', 'orders-drills', '--db-user', 'orders_admin',
      '--sslmode', 'verify-full', '--target-lag', '60m', '--ready-timeout', '120m', '--rto', '120m', '--delete-timeout', '60m', '--scratch-server-prefix', 'pgdrill',
      '--database', 'postgres',
    ]);
    expect(plan.drillAgeWatch).toBeUndefined();
  });

  test.each([10, 120, 1320])('the replica outlives the runner\'s own bounds with a ready timeout of %i minutes, so the runner always gets to delete', (minutes) => {
    const plan = planFlexibleServerPitrDrill({ readyTimeoutMinutes: minutes });
    const args = plan.runnerArgs(TARGETS);
    const bound = (flag: string) => parseDurationSeconds(args[args.indexOf(flag) + 1])!;
    expect(bound('--delete-timeout')).toBe(FLEXIBLE_SERVER_DRILL_DELETE_TIMEOUT_MINUTES * 60);
    expect(plan.replicaTimeoutSeconds).toBeGreaterThan(bound('--ready-timeout') + bound('--delete-timeout'));
    expect(plan.replicaTimeoutSeconds).toBeLessThanOrEqual(86_400);
  });

  test('bad options are refused together, each named with its allowed range', () => {
    expect(() => planFlexibleServerPitrDrill({ targetLagMinutes: -1, readyTimeoutMinutes: 2000, maxDrillAgeDays: 0 }, 'Drill')).toThrow(
      /targetLagMinutes is -1; allowed: an integer from 0 to 50400 minutes[\s\S]*readyTimeoutMinutes is 2000; allowed: an integer from 10 to 1320 minutes[\s\S]*maxDrillAgeDays is 0; allowed: an integer from 1 to 365 days/,
    );
  });
});
