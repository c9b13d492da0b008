import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { runbookFileName } from '../../../src/core/policy/runbook';
import { BackupDashboard } from '../../../src/pulumi/aws/backup-dashboard';
import { PostgresDatabase } from '../../../src/pulumi/aws/postgres-database';
import { RestoreRunbookArtifacts } from '../../../src/pulumi/aws/restore-runbook-artifacts';
import { ScheduledPgDump } from '../../../src/pulumi/aws/scheduled-pg-dump';
import { VerifyRestore } from '../../../src/pulumi/aws/verify-restore';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16';
const NETWORK = { vpcId: 'vpc-0123', subnetIds: ['subnet-a', 'subnet-b'] };

describe('Pulumi BackupDashboard', () => {
  async function dashboardBody(): Promise<any> {
    const dump = new ScheduledPgDump('shop', {
      ...NETWORK,
      image: IMAGE,
      database: PostgresDatabase.fromSecret({ secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop', postgresMajorVersion: 16 }),
      databaseNames: ['orders', 'customers'],
      rpoHours: 26,
    });
    const drill = new VerifyRestore('shop-drill', { source: dump, ...NETWORK, image: IMAGE, verification: { maxRestoreDurationMinutes: 30 } });
    const dashboard = new BackupDashboard('shop-backups', { dump, drills: [drill] });
    await valueOf(dashboard.dashboard.dashboardBody);
    expect(await valueOf(dashboard.dashboardName)).toBe('shop-backups');
    return JSON.parse(engine.named('aws:cloudwatch/dashboard:Dashboard', 'shop-backups-dashboard').inputs.dashboardBody);
  }

  test('shows one row of dump graphs per database, then one row per drill, in the provider\'s region', async () => {
    const body = await dashboardBody();
    expect(body.widgets.map((widget: any) => [widget.properties.title, widget.x, widget.y, widget.width])).toEqual([
      ['orders: hours since the last good dump (RPO 26 h)', 0, 0, 8], ['orders: dump size', 8, 0, 8], ['orders: dump duration and failures', 16, 0, 8],
      ['customers: hours since the last good dump (RPO 26 h)', 0, 6, 8], ['customers: dump size', 8, 6, 8], ['customers: dump duration and failures', 16, 6, 8],
      ['orders: dump drills', 0, 12, 8], ['orders: dump days since the last good drill', 8, 12, 8], ['orders: dump restore time (RTO 30 min)', 16, 12, 8],
    ]);
    expect(new Set(body.widgets.map((widget: any) => widget.properties.region))).toEqual(new Set(['eu-west-1']));
  });

  test('draws the RPO and the RTO as red lines, and failures on the right axis', async () => {
    const body = await dashboardBody();
    expect(body.widgets[0].properties.annotations).toEqual({ horizontal: [{ value: 26, label: 'RPO', color: '#d62728', yAxis: 'left' }] });
    expect(body.widgets[8].properties.annotations).toEqual({ horizontal: [{ value: 1800, label: 'RTO', color: '#d62728', yAxis: 'left' }] });
    expect(body.widgets[2].properties.metrics[1]).toEqual(['PostgresBackup', 'BackupFailed', 'Database', 'orders', { period: 3600, stat: 'Sum', yAxis: 'right' }]);
  });

  test('shows a dump drill\'s RTO trend from the drill and from the runner\'s own pg_restore time, and the days since its last success', async () => {
    const body = await dashboardBody();
    expect(body.widgets[8].properties.metrics).toEqual([
      ['PostgresBackup', 'RestoreDurationSeconds', 'Database', 'orders', 'Drill', 'dump', { period: 86_400, stat: 'Maximum' }],
      ['PostgresBackup', 'DrillRtoSeconds', 'Database', 'orders', { period: 86_400, stat: 'Maximum' }],
    ]);
    expect(body.widgets[7].properties.metrics).toEqual([
      [{ label: 'Days since the last successful dump drill of orders', expression: '(EPOCH(FILL(ok, 0)) - FILL(IF(ok > 0, EPOCH(ok)), REPEAT)) / 86400', period: 86_400 }],
      ['PostgresBackup', 'RestoreDrillSucceeded', 'Database', 'orders', 'Drill', 'dump', { id: 'ok', visible: false, period: 86_400, stat: 'Sum' }],
    ]);
  });
});

describe('Pulumi RestoreRunbookArtifacts', () => {
  test('writes each runbook under the directory once its values are known, and keeps it as an output', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'runbooks-'));
    const fileName = runbookFileName('orders-db', 'sales 2026');
    const artifacts = new RestoreRunbookArtifacts('runbooks', { runbooks: { [fileName]: Promise.resolve('# Restore sales 2026\n') }, directory });
    expect(await valueOf(artifacts.runbooks[fileName])).toBe('# Restore sales 2026\n');
    expect(fs.readFileSync(path.join(directory, 'orders-db', 'sales%202026.md'), 'utf8')).toBe('# Restore sales 2026\n');
  });

  test('refuses a file name that leaves the directory', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'runbooks-'));
    expect(() => new RestoreRunbookArtifacts('runbooks', { runbooks: { '../escape.md': '# no' }, directory }))
      .toThrow(/"\.\.\/escape\.md" leaves the directory/);
    expect(fs.existsSync(path.join(directory, '..', 'escape.md'))).toBe(false);
  });
});
