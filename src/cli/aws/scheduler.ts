/** EventBridge Scheduler port over AWS SDK v3: one-shot schedules with a universal target. */
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { AwsTarget, SchedulerPort } from './ports.js';

export function makeSchedulerClient(t: AwsTarget): SchedulerClient {
  return new SchedulerClient({
    ...(t.region ? { region: t.region } : {}),
    ...(t.profile ? { profile: t.profile } : {}),
  });
}

export function sdkSchedulerPort(client: SchedulerClient): SchedulerPort {
  return {
    async createOneShot(call, roleArn) {
      await client.send(
        new CreateScheduleCommand({
          Name: call.name,
          ScheduleExpression: call.expression,
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          // https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html
          ActionAfterCompletion: 'DELETE',
          Target: { Arn: call.targetArn, RoleArn: roleArn, Input: call.input },
          Description: 'breakglass: one-shot end of a break-glass window',
        }),
      );
    },
  };
}
