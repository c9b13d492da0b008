import { RestoreValidationFacts, planRestoreValidation, restoreValidationWiring } from '../../../src/core/aws/restore-testing-validation';
import { DrillPlaceholder } from '../../../src/core/aws/state-machines';

const FACTS: RestoreValidationFacts = {
  kind: 'aurora-cluster',
  postgresMajorVersion: 16,
  hasSecret: true,
  checkFiles: [],
  writeDrillResult: true,
  validationWindowHours: 1,
  restoredSecurityGroupsGiven: false,
};

describe('planRestoreValidation', () => {
  test('plans its state machine with the ids, names and descriptions every front end renders', () => {
    const { stateMachine } = planRestoreValidation({ databaseName: 'orders' }, FACTS);
    expect(stateMachine.type).toBe('STANDARD');
    expect(stateMachine.ids).toEqual({ role: 'RestoreValidationRole', stateMachine: 'RestoreValidation', logs: 'RestoreValidationExecutionLogs' });
    expect(stateMachine.names).toEqual({ role: 'drill-role', policy: 'drill-policy', stateMachine: 'drill', logs: 'execution-logs' });
    expect(stateMachine.descriptions.comment).toBe(
      'Validates each AWS Backup restore test of the Aurora cluster with pg-backup check and reports the result to AWS Backup');
  });

  test.each([
    ['aurora-cluster', 'cluster:*'],
    ['instance', 'db:*'],
  ] as const)('a restored %s is named per job: the state machine may describe any %s', (kind, restored) => {
    expect(planRestoreValidation({}, { ...FACTS, kind }).restoredDatabases).toBe(restored);
  });
});

describe('restoreValidationWiring', () => {
  const plan = planRestoreValidation({ databaseName: 'orders' }, FACTS);

  test('scopes the result to the database\'s drills folder under the backups\' prefix, and fills its placeholders', () => {
    const wiring = restoreValidationWiring(plan, {
      restoredDatabasesArn: 'arn:aws:rds:eu-west-1:111122223333:cluster:*',
      drillResults: { bucketName: 'backups', prefix: 'pg', objectsArn: (key) => `arn:aws:s3:::backups/${key}` },
    });
    expect(wiring.placeholders).toEqual({ [DrillPlaceholder.DRILL_RESULTS_BUCKET]: 'backups', [DrillPlaceholder.DRILL_RESULTS_FOLDER]: 'pg/orders/drills' });
    expect(wiring.scopes).toEqual({
      'rds-restored': { resources: ['arn:aws:rds:eu-west-1:111122223333:cluster:*'] },
      'backup-restore-jobs': { resources: ['*'] },
      'drill-result-objects': { resources: ['arn:aws:s3:::backups/pg/orders/drills/*'] },
    });
  });

  test('without a result store it fills no placeholder and scopes no object', () => {
    const planned = planRestoreValidation({}, { ...FACTS, writeDrillResult: false });
    const wiring = restoreValidationWiring(planned, { restoredDatabasesArn: 'arn' });
    expect(wiring.placeholders).toEqual({});
    expect(Object.keys(wiring.scopes)).toEqual(['rds-restored', 'backup-restore-jobs']);
    expect(planned.stateMachine.placeholders).not.toContain(DrillPlaceholder.DRILL_RESULTS_BUCKET);
  });

  test('scopes every kind of resource the state machine acts on besides its ECS task, topic and metrics', () => {
    const wiring = restoreValidationWiring(plan, {
      restoredDatabasesArn: 'arn', drillResults: { bucketName: 'b', prefix: 'p', objectsArn: (key) => key },
    });
    const ecsKinds = ['ecs-task-definition', 'ecs-task', 'ecs-cluster-condition', 'ecs-task-roles', 'sync-events-rule', 'sns-topic', 'cloudwatch-namespace-condition'];
    const needed = new Set(plan.stateMachine.iamActions.map((group) => group.resource).filter((kind) => !ecsKinds.includes(kind)));
    expect(new Set(Object.keys(wiring.scopes))).toEqual(needed);
  });
});
