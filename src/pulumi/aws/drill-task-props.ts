import { NotificationTopicArgs } from './notification-handles';
import { LogRetentionArgs, RunnerImageArgs, TaskPlacementArgs } from './task-placement-handles';

/** The Pulumi handles every scheduled restore drill takes: where its task runs, with which image, whom it notifies. */
export interface DrillTaskArgs extends TaskPlacementArgs, RunnerImageArgs, LogRetentionArgs, NotificationTopicArgs {}
