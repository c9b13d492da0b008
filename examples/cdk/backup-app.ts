import { App, Environment } from 'aws-cdk-lib';
import { PostgresBackupExampleStack } from './backup-stack';
import { PostgresBackupOffsiteStack } from './offsite-stack';

/** The stacks of the example: the offsite bucket in its own region, then the database and its backups in `env`. */
export function defineBackupExample(app: App, env: Environment): { offsite: PostgresBackupOffsiteStack; backups: PostgresBackupExampleStack } {
  const offsite = new PostgresBackupOffsiteStack(app, 'PostgresBackupOffsite', { env });
  const backups = new PostgresBackupExampleStack(app, 'PostgresBackupExample', { env, offsite: offsite.offsite });
  // The sources name the offsite bucket, its key alias and their role by physical names: deploy the bucket first.
  backups.addStackDependency(offsite);
  return { offsite, backups };
}
