/**
 * CloudFormation's offline validator, as verify runs it: a template it rejects, one it accepts, the same
 * answers from the worker thread as from this thread.
 */
import { describe, expect, it } from 'vitest';
import {
  startCfnValidation,
  validateTemplates,
  validatorVersion,
  type TemplateToValidate,
} from '../../src/simulator/cfn-validate.js';

const accepted: TemplateToValidate = {
  name: 'Good',
  account: '111111111111',
  region: 'eu-west-1',
  body: {
    Resources: {
      Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 60 } },
      Topic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'alerts' } },
    },
  },
};
// VisibilityTimeout is an integer in the AWS::SQS::Queue resource schema; CloudFormation rejects text.
const rejected: TemplateToValidate = {
  name: 'Bad',
  account: '111111111111',
  region: 'eu-west-1',
  body: JSON.stringify({
    Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 'sixty' } } },
  }),
};

describe('cfn-validate', () => {
  it('loads the validator bundled in aws-cdk-lib', () => {
    expect(validatorVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('accepts a valid template (no findings)', () => {
    expect(validateTemplates([accepted])).toEqual([]);
  });

  it('rejects a wrong property type, naming the stack, resource and property', () => {
    const findings = validateTemplates([accepted, rejected]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      stack: 'Bad',
      severity: 'error',
      resource: 'Queue',
      path: 'Properties.VisibilityTimeout',
    });
    expect(findings[0]!.message).toContain('integer');
  });

  it('rejects an unknown resource type', () => {
    const findings = validateTemplates([
      { name: 'Typo', body: { Resources: { T: { Type: 'AWS::SNS::Topik', Properties: {} } } } },
    ]);
    expect(findings.some((f) => f.severity === 'error' && f.resource === 'T')).toBe(true);
  });

  it('gives the same findings on a worker thread', async () => {
    const pending = startCfnValidation();
    const findings = await pending.validate([accepted, rejected]);
    expect(findings).toEqual(validateTemplates([accepted, rejected]));
  });
});
