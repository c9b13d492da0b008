/*
 * The wildcards the roles of this module's constructs hold by design, each with the only actions allowed there (core's
 * action groups for that kind of resource) and the reason a reviewer reads beside the acknowledged finding; one file
 * per kind of role reviewed.
 */

/**
 * A wildcard a role needs by design: the resource it is granted on (an ARN with a `*`, or `*` for actions without
 * resource-level permissions), the only actions allowed there, and why.
 */
export interface ReviewedWildcard {
  /** The resource as granted, e.g. `bucket.arnForObjects('pg-dumps/*')`, or `*`. */
  readonly resource: string;
  /** The actions granted on it; a statement on the resource with any other action keeps the finding. */
  readonly actions: readonly string[];
  /** A condition key every statement on the resource must use, e.g. `cloudwatch:namespace`. */
  readonly conditionKey?: string;
  /** Why the resource cannot be named more narrowly. */
  readonly reason: string;
}
