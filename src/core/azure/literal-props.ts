import { LiteralProps } from '../policy/validation';

/*
 * The props of the Azure ScheduledPgDump whose value decides what is created (see LiteralProps): their types are plain
 * values, so a Pulumi output given there (from JavaScript, or through `as any`) is refused with the range a literal must
 * be in, instead of being turned into text such as "Calling [toString] on an [Output<T>]" in a job's name or command.
 * The cloud handles (resourceGroupName, location, storage.accountName, image, connection) take outputs.
 */

const PER_ENTRY = 'each entry becomes jobs and alerts of their own when the program runs';
const SCHEDULE_AND_LIFECYCLE = 'it is rendered into the jobs\' cron, their commands and the storage lifecycle when the program runs';
const ALERT_WINDOW = 'it sets how far back an alert looks, fixed when the program runs';
const STORAGE = 'it names the container and the blobs, or sets the storage account\'s policies, when the program runs';

/** The props of the Azure `ScheduledPgDump` that need a literal. */
export const AZURE_SCHEDULED_PG_DUMP_LITERAL_PROPS: LiteralProps = {
  'databaseNames': PER_ENTRY,
  'rpoHours': ALERT_WINDOW,
  'maxDrillAgeDays': ALERT_WINDOW,
  'dump': SCHEDULE_AND_LIFECYCLE,
  'verification': SCHEDULE_AND_LIFECYCLE,
  'immutability': STORAGE,
  'storage.containerName': STORAGE,
  'storage.prefix': STORAGE,
  'storage.softDeleteDays': STORAGE,
  'storage.replication': STORAGE,
};
