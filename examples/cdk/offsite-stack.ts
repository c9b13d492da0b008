import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
// In an application: import { … } from 'postgres-backup-constructs/cdk';
import { OffsiteBackupBucket } from '../../src/cdk';

/** The region of the offsite copy: another than the database's. */
export const OFFSITE_REGION = 'eu-central-1';

/** The physical name of the nightly dump's replication role, which the offsite bucket lets replicate in. */
export const DUMP_REPLICATION_ROLE_NAME = 'shop-dumps-replication';

/**
 * The offsite bucket of the shop's dumps, in a stack of its own in {@link OFFSITE_REGION} of the same account: every
 * dump is replicated into it and kept 800 days, longer than the source's lifecycle safety net, locked in governance
 * mode at least as long as the source locks it. Deploy it before the backup stack.
 */
export class PostgresBackupOffsiteStack extends Stack {
  /** The offsite bucket. */
  public readonly offsite: OffsiteBackupBucket;

  constructor(scope: Construct, id: string, props?: StackProps) {
    // The offsite copy is in its own region, whatever region the rest of the app is synthesized for.
    super(scope, id, { ...props, env: { account: props?.env?.account, region: OFFSITE_REGION } });
    this.offsite = new OffsiteBackupBucket(this, 'Offsite', {
      bucketName: `shop-pg-dumps-offsite-${this.account}-${OFFSITE_REGION}`,
      replicationRoleNames: [DUMP_REPLICATION_ROLE_NAME],
      objectLock: { mode: 'governance', days: 7 },
      expirationDays: 800,
    });
  }
}
