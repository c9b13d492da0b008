import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { checkRunbookFile, runbookPath } from '../../core/policy/runbook';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

/** Arguments of {@link RestoreRunbookArtifacts}. */
export interface RestoreRunbookArtifactsProps {
  /** The runbooks (Markdown), by file name relative to the directory, e.g. `orders-db/orders.md` (see core's `runbookFileName`). */
  readonly runbooks: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * A directory each runbook is written to once its values are known (`pulumi up`, not a preview with unknown values),
   * to be reviewed, versioned and shipped with the program that it describes.
   * @default - the runbooks are outputs only
   */
  readonly directory?: string;
}

/**
 * Restore runbooks as outputs of the stack (`runbooks`, by file name) and, when asked, as Markdown files in a directory:
 * what the CDK `RestoreRunbookArtifacts` writes into the cloud assembly. Pulumi knows a generated bucket name or ARN when
 * it deploys, so a written runbook names the real values where the CDK one names the resource to look up.
 */
export class RestoreRunbookArtifacts extends pulumi.ComponentResource {
  /** The runbooks, by file name, once their values are known. */
  public readonly runbooks: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, props: RestoreRunbookArtifactsProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:RestoreRunbookArtifacts', name, {}, opts);
    const { directory } = props;
    checkRunbookFile({ directory }, { ...PULUMI_VALIDATION_OPTIONS, construct: name });
    if (directory !== undefined) Object.keys(props.runbooks).forEach((fileName) => runbookPath(directory, fileName));
    this.runbooks = Object.fromEntries(Object.entries(props.runbooks).map(([fileName, markdown]) => [
      fileName,
      pulumi.output(markdown).apply((text) => (directory === undefined ? text : writeRunbookFile(directory, fileName, text))),
    ]));
    this.registerOutputs({ runbooks: this.runbooks });
  }
}

/** Writes one runbook under `directory` (creating its folder) and returns its text. */
export function writeRunbookFile(directory: string, fileName: string, markdown: string): string {
  const file = runbookPath(directory, fileName);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, markdown);
  return markdown;
}
