import * as path from 'node:path';
import { RUNNER_DOCKERFILE, RUNNER_IMAGE_CONTEXT_EXCLUDE, RUNNER_IMAGE_PLATFORM, runnerImageBuildArgs } from '../../core/aws/runner-image';

export { RUNNER_DOCKERFILE, RUNNER_IMAGE_POSTGRES_MAJOR_ARG } from '../../core/aws/runner-image';

/** What a Docker build of the runner image needs: the context directory, the Dockerfile, the build arguments. */
export interface RunnerImageBuild {
  /** The build context: this package's root (its `lib/`, `runner-image/` and package files are what the build reads). */
  readonly context: string;
  /**
   * What the build leaves out of the context, Docker style: everything but the files the image reads, as the CDK asset
   * does. BuildKit reads the same list from the Dockerfile's own ignore file; give it to a builder that takes a list.
   */
  readonly exclude: readonly string[];
  /** The Dockerfile, absolute. */
  readonly dockerfile: string;
  /** Build arguments: the PostgreSQL client major. */
  readonly buildArgs: Record<string, string>;
  /** The platform the Fargate tasks run on. */
  readonly platform: 'linux/amd64';
}

/**
 * How to build the `pg-backup` runner image with the PostgreSQL client of a major version. Pulumi has no asset build
 * like CDK's `ContainerImage.fromAsset`, so the components take an image reference; build and push it with a Docker
 * resource of your program, for example `@pulumi/docker-build` (not a dependency of this package):
 *
 * ```ts
 * const build = runnerImageBuild(16);
 * const image = new dockerBuild.Image('runner', {
 *   context: { location: build.context },
 *   dockerfile: { location: build.dockerfile },
 *   buildArgs: build.buildArgs,
 *   platforms: [build.platform],
 *   push: true,
 *   tags: [pulumi.interpolate`${repository.repositoryUrl}:pg16`],
 *   registries: [{ address: repository.repositoryUrl, username: auth.userName, password: auth.password }],
 * });
 * // then: new ScheduledPgDump('orders', { image: image.ref, … })
 * ```
 */
export function runnerImageBuild(postgresMajorVersion: number): RunnerImageBuild {
  const root = path.resolve(__dirname, '..', '..', '..');
  return {
    context: root,
    exclude: RUNNER_IMAGE_CONTEXT_EXCLUDE,
    dockerfile: path.join(root, RUNNER_DOCKERFILE),
    buildArgs: runnerImageBuildArgs(postgresMajorVersion),
    platform: RUNNER_IMAGE_PLATFORM,
  };
}
