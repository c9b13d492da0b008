import * as path from 'node:path';

/** Where the runner's Dockerfile lives, relative to the package root. */
export const RUNNER_DOCKERFILE = 'runner-image/Dockerfile';

/** The build argument that selects the PostgreSQL client major installed in the runner image. */
export const RUNNER_IMAGE_POSTGRES_MAJOR_ARG = 'PG_MAJOR';

/** What a Docker build of the runner image needs: the context directory, the Dockerfile, the build arguments. */
export interface RunnerImageBuild {
  /** The build context: this package's root (its `lib/`, `runner-image/` and package files are what the build reads). */
  readonly context: string;
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
    dockerfile: path.join(root, RUNNER_DOCKERFILE),
    buildArgs: { [RUNNER_IMAGE_POSTGRES_MAJOR_ARG]: String(postgresMajorVersion) },
    platform: 'linux/amd64',
  };
}

/**
 * The official PostgreSQL image of a major version, from the ECR Public mirror of Docker Hub's library (no anonymous
 * pull limits), used as the scratch server of restore drills.
 */
export function postgresServerImage(postgresMajorVersion: number): string {
  return `public.ecr.aws/docker/library/postgres:${postgresMajorVersion}`;
}
