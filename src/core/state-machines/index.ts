export * from './asl';
export * from './definition-substitutions';
export * from './drill-iam-actions';
export { DrillPlaceholder, RestoreDrillMetric } from './restore-drill-options';
export type { RestoreDrillKind, RestoreDrillOptions, RestoreDrillStateMachine } from './restore-drill-options';
export { DrillStateName } from './drill-states';
export * from './dump-restore-drill';
export * from './pitr-restore-drill';
export * from './snapshot-restore-drill';
