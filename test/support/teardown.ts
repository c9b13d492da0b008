/**
 * Synchronous clean-ups run when the test process exits for any reason, so a crashed or
 * interrupted suite does not leave servers running behind it.
 */
const onExit = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const cleanup of [...onExit]) {
    try {
      cleanup();
    } catch {
      // Best effort: the process is going away and the other clean-ups must still run.
    }
  }
  onExit.clear();
}

/** Registers `cleanup` to run at process exit; returns a function that unregisters it. */
export function cleanupOnExit(cleanup: () => void): () => void {
  if (!installed) {
    installed = true;
    process.once('exit', runAll);
  }
  onExit.add(cleanup);
  return () => onExit.delete(cleanup);
}

/**
 * Registers `beforeAll`/`afterAll` hooks that start a resource once for the enclosing `describe`
 * and always stop it, even when a test fails. Returns an accessor for the started resource.
 */
export function useResource<T extends { stop(): Promise<void> }>(start: () => Promise<T>): () => T {
  let resource: T | undefined;
  beforeAll(async () => {
    resource = await start();
  });
  afterAll(async () => {
    await resource?.stop();
    resource = undefined;
  });
  return () => {
    if (!resource) throw new Error('the resource is used outside the tests of the describe block that started it');
    return resource;
  };
}
