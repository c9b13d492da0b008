import * as path from 'node:path';
import { IgnoreMode } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { RUNNER_DOCKERFILE, RUNNER_IMAGE_CONTEXT_EXCLUDE, postgresServerImageUri, runnerImageBuildArgs } from '../core/aws/runner-image';

export { RUNNER_DOCKERFILE, RUNNER_IMAGE_CONTEXT_FILES, RUNNER_IMAGE_POSTGRES_MAJOR_ARG } from '../core/aws/runner-image';

/** The root of this package: `src/cdk` in a checkout, `lib/cdk` once built; both sit two levels down. */
export function packageRoot(): string {
  return path.resolve(__dirname, '..', '..');
}

/** Options of {@link runnerImageFromPackage}. */
export interface RunnerImageOptions {
  /** PostgreSQL major version of the client tools (`pg_dump`, `pg_restore`), e.g. 16; it must not be older than the server. */
  readonly postgresMajorVersion: number;
  /**
   * CPU architecture the image is built for.
   * @default Platform.LINUX_AMD64 (what the Fargate tasks of this package run on)
   */
  readonly platform?: Platform;
}

/**
 * The `pg-backup` runner image, built by `cdk deploy` from the Dockerfile shipped in this package, with the
 * PostgreSQL client of the given major.
 */
export function runnerImageFromPackage(options: RunnerImageOptions): ecs.ContainerImage {
  return ecs.ContainerImage.fromAsset(packageRoot(), {
    file: RUNNER_DOCKERFILE,
    buildArgs: runnerImageBuildArgs(options.postgresMajorVersion),
    platform: options.platform ?? Platform.LINUX_AMD64,
    exclude: [...RUNNER_IMAGE_CONTEXT_EXCLUDE],
    ignoreMode: IgnoreMode.DOCKER,
  });
}

/**
 * The official PostgreSQL image of a major version, from the ECR Public mirror of Docker Hub's library (no
 * anonymous pull limits), used as the scratch server of restore drills.
 */
export function postgresServerImage(postgresMajorVersion: number): ecs.ContainerImage {
  return ecs.ContainerImage.fromRegistry(postgresServerImageUri(postgresMajorVersion));
}
