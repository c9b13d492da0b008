/** Where the runner's Dockerfile lives, relative to the package root. */
export const RUNNER_DOCKERFILE = 'runner-image/Dockerfile';

/** The build argument that selects the PostgreSQL client major installed in the runner image. */
export const RUNNER_IMAGE_POSTGRES_MAJOR_ARG = 'PG_MAJOR';

/** The platform the Fargate tasks of this package run on, and the runner image is built for. */
export const RUNNER_IMAGE_PLATFORM = 'linux/amd64';

/**
 * The package files the image build reads. Everything else in the package root (node_modules, tests, a git checkout)
 * is left out of the build context, so it stays small and its hash changes only when the runner does. The image runs
 * the compiled `lib/`: in a checkout, compile before building it.
 */
export const RUNNER_IMAGE_CONTEXT_FILES: readonly string[] = ['package.json', 'package-lock.json', 'lib', 'runner-image'];

/** The build context's exclusions, Docker style: everything but {@link RUNNER_IMAGE_CONTEXT_FILES}, and no `node_modules` in them. */
export const RUNNER_IMAGE_CONTEXT_EXCLUDE: readonly string[] = ['*', ...RUNNER_IMAGE_CONTEXT_FILES.map((file) => `!${file}`), '**/node_modules'];

/** The build arguments of the runner image with the PostgreSQL client of a major version. */
export function runnerImageBuildArgs(postgresMajorVersion: number): Record<string, string> {
  return { [RUNNER_IMAGE_POSTGRES_MAJOR_ARG]: String(postgresMajorVersion) };
}

/**
 * The official PostgreSQL image of a major version, from the ECR Public mirror of Docker Hub's library (no anonymous
 * pull limits), used as the scratch server of restore drills.
 */
export function postgresServerImageUri(postgresMajorVersion: number): string {
  return `public.ecr.aws/docker/library/postgres:${postgresMajorVersion}`;
}
