/**
 * The Pulumi names of a planned Fargate task's resources (CDK names them by construct id in the construct's scope): its
 * role and execution role with their inline policies, its task definition and its security group.
 */
export interface PlannedTaskNames {
  /** The task's role and its inline policy. */
  readonly taskRole: string;
  readonly taskPolicy: string;
  /** The role ECS starts the task with, and its inline policy. */
  readonly executionRole: string;
  readonly executionPolicy: string;
  /** The task definition. */
  readonly taskDefinition: string;
  /** The task's security group. */
  readonly securityGroup: string;
}

/** The names of a component's task: `<name>-task-role`, `<name>-task-policy`, `<name>-execution-role`, …, `<name>-task`, `<name>-task-sg`. */
export function taskResourceNames(name: string): PlannedTaskNames {
  return {
    taskRole: `${name}-task-role`,
    taskPolicy: `${name}-task-policy`,
    executionRole: `${name}-execution-role`,
    executionPolicy: `${name}-execution-policy`,
    taskDefinition: `${name}-task`,
    securityGroup: `${name}-task-sg`,
  };
}

/** The names of a prune task: `<name>-prune-role`, `<name>-prune-policy`, `<name>-prune-execution-role`, …, `<name>-prune-task`, `<name>-prune-sg`. */
export function pruneTaskResourceNames(name: string): PlannedTaskNames {
  return {
    taskRole: `${name}-prune-role`,
    taskPolicy: `${name}-prune-policy`,
    executionRole: `${name}-prune-execution-role`,
    executionPolicy: `${name}-prune-execution-policy`,
    taskDefinition: `${name}-prune-task`,
    securityGroup: `${name}-prune-sg`,
  };
}

