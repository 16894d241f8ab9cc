import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, it } from 'vitest';
import { BreakGlassMonitoring } from '../../src/constructs/index.js';

function stackWith(roleCount: number): Stack {
  const app = new App();
  const stack = new Stack(app, 'BG', { env: { account: '111122223333', region: 'eu-west-1' } });
  const roles = Array.from({ length: roleCount }, (_, i) =>
    iam.Role.fromRoleName(stack, `R${i}`, `a-rather-long-break-glass-role-name-${i}`),
  );
  new BreakGlassMonitoring(stack, 'M', { roles, regions: ['eu-west-1'] });
  app.synth();
  return stack;
}

describe('forwarding pattern size', () => {
  it('warns at synth when the forwarding pattern exceeds EventBridge’s 2,048-character default', () => {
    Annotations.fromStack(stackWith(10)).hasWarning(
      '*',
      Match.stringLikeRegexp('forwarding pattern for 10 role\\(s\\) and 0 user\\(s\\) is \\d{4,} characters'),
    );
  });

  it('stays quiet for one role', () => {
    Annotations.fromStack(stackWith(1)).hasNoWarning('*', Match.stringLikeRegexp('forwarding pattern'));
  });
});
