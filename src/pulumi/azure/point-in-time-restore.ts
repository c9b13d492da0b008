import * as dbforpostgresql from '@pulumi/azure-native/dbforpostgresql';
import * as pulumi from '@pulumi/pulumi';
import { flexibleServerBackupArgs } from './flexible-server-backup';
import { AZURE_POINT_IN_TIME_RESTORE_LITERAL_PROPS } from '../../core/azure/literal-props';
import { checkRestorePointInTime } from '../../core/azure/restore-window';
import { Validator } from '../../core/policy/validation';
import { PULUMI_VALIDATION_OPTIONS, validateWhenKnown } from '../pulumi-validation';

/** Props of {@link PointInTimeRestore}. */
export interface PointInTimeRestoreProps {
  /** Resource group of the new server. */
  readonly resourceGroupName: pulumi.Input<string>;
  /**
   * Name of the new server.
   * @default - generated from the component's name
   */
  readonly serverName?: pulumi.Input<string>;
  /** Resource id of the flexible server to restore. */
  readonly sourceServerId: pulumi.Input<string>;
  /**
   * The moment to restore to, in UTC with seconds (`2026-11-24T10:15:00Z`); it must lie inside the source server's
   * backup retention window (and, for a geo-restore, at least an hour in the past).
   */
  readonly restorePointInTime: pulumi.Input<string>;
  /**
   * Days the source server keeps its backups, to check the restore point against. Set it when the source server
   * is created by the same program (it cannot be read before it exists).
   * @default - read from the source server, with its earliest restore point
   */
  readonly sourceBackupRetentionDays?: pulumi.Input<number>;
  /**
   * Restore from the geo-redundant copy in the paired region (`createMode: GeoRestore`), when the source region
   * is lost; the source server must have geo-redundant backup.
   * @default false
   */
  readonly geoRestore?: boolean;
  /**
   * Region of the new server: for a geo-restore, the source region's pair.
   * @default - the resource group's region
   */
  readonly location?: pulumi.Input<string>;
  /**
   * Days the new server keeps its own backups (7–35).
   * @default 7
   */
  readonly backupRetentionDays?: pulumi.Input<number>;
  /**
   * Geo-redundant backup of the new server (only settable now, at creation).
   * @default false
   */
  readonly geoRedundantBackup?: pulumi.Input<boolean>;
  /**
   * Delegated subnet of the new server, for private access.
   * @default - the source server's network settings
   */
  readonly delegatedSubnetResourceId?: pulumi.Input<string>;
  /**
   * Private DNS zone of the new server.
   * @default - none
   */
  readonly privateDnsZoneArmResourceId?: pulumi.Input<string>;
  /**
   * Tags of the new server.
   * @default - none
   */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A new Azure Database for PostgreSQL flexible server restored from another one at a point in time
 * (`createMode: PointInTimeRestore`), or from its geo-redundant copy in the paired region (`GeoRestore`). The
 * restore point is checked against the source server's backup window before anything is created: a time in the
 * future, before the retention reaches back, or not in UTC fails with the window that is allowed.
 */
export class PointInTimeRestore extends pulumi.ComponentResource {
  /** The restored server. */
  public readonly server: dbforpostgresql.Server;
  /** Host name of the restored server. */
  public readonly host: pulumi.Output<string>;
  /** The restore point used, once checked. */
  public readonly restorePointInTime: pulumi.Output<string>;

  constructor(name: string, props: PointInTimeRestoreProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:azure:PointInTimeRestore', name, {}, opts);
    const geoRestore = props.geoRestore ?? false;
    const validator = new Validator({ ...PULUMI_VALIDATION_OPTIONS, construct: name });
    validator.requireLiterals(AZURE_POINT_IN_TIME_RESTORE_LITERAL_PROPS, props);
    validator.oneOf('geoRestore', geoRestore, [true, false]);
    validator.throwIfInvalid();

    if (props.sourceBackupRetentionDays !== undefined) {
      this.restorePointInTime = validateWhenKnown(
        { time: props.restorePointInTime, retention: props.sourceBackupRetentionDays },
        (check, known) => {
          check.integer('sourceBackupRetentionDays', known.retention as number, 7, 35, 'days');
          checkRestorePointInTime(check, 'restorePointInTime', known.time, { now: new Date(), backupRetentionDays: known.retention as number, geoRestore });
        },
        name,
      ).apply((known) => known.time);
    } else {
      // The format is checked now; the window once the source server has been read.
      const formatted = validateWhenKnown(props.restorePointInTime, (check, time) => {
        checkRestorePointInTime(check, 'restorePointInTime', time, { now: new Date(), geoRestore });
      }, name);
      const source = pulumi.output(props.sourceServerId).apply((id) => dbforpostgresql.getServerOutput(serverNameAndGroupOf(id), { parent: this }));
      this.restorePointInTime = pulumi.all([formatted, source]).apply(([time, server]) => {
        const check = new Validator({ construct: name });
        checkRestorePointInTime(check, 'restorePointInTime', time, {
          now: new Date(),
          backupRetentionDays: server.backup?.backupRetentionDays,
          earliestRestoreDate: server.backup?.earliestRestoreDate,
          geoRestore,
        });
        if (geoRestore && server.backup?.geoRedundantBackup !== 'Enabled') {
          check.report({
            path: 'geoRestore',
            value: true,
            allowed: `false: the source server ${server.name} has no geo-redundant backup`,
            reason: 'a geo-restore reads the copy in the paired region, which only a server created with geo-redundant backup has',
          });
        }
        check.throwIfInvalid();
        return time;
      });
    }

    const wantsBackupSettings = props.backupRetentionDays !== undefined || props.geoRedundantBackup !== undefined;
    const backup = wantsBackupSettings
      ? flexibleServerBackupArgs({ backupRetentionDays: props.backupRetentionDays, geoRedundantBackup: props.geoRedundantBackup }, name).backup
      : undefined;
    this.server = new dbforpostgresql.Server(name, {
      resourceGroupName: props.resourceGroupName,
      serverName: props.serverName,
      location: props.location,
      createMode: geoRestore ? 'GeoRestore' : 'PointInTimeRestore',
      sourceServerResourceId: props.sourceServerId,
      pointInTimeUTC: this.restorePointInTime,
      backup,
      network: props.delegatedSubnetResourceId !== undefined
        ? { delegatedSubnetResourceId: props.delegatedSubnetResourceId, privateDnsZoneArmResourceId: props.privateDnsZoneArmResourceId }
        : undefined,
      tags: props.tags,
    }, { parent: this });
    this.host = this.server.fullyQualifiedDomainName;
    this.registerOutputs({ serverId: this.server.id, host: this.host, restorePointInTime: this.restorePointInTime });
  }
}

/** `/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/name` → its name and resource group. */
export function serverNameAndGroupOf(serverId: string): { resourceGroupName: string; serverName: string } {
  const match = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/([^/]+)$/i.exec(serverId);
  if (!match) {
    throw new Error(`sourceServerId is ${JSON.stringify(serverId)}; allowed: the id of a flexible server, `
      + '/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.DBforPostgreSQL/flexibleServers/<name>');
  }
  return { resourceGroupName: match[1], serverName: match[2] };
}
