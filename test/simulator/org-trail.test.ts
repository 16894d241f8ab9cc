/**
 * The verifier's trail model with an organization trail: a trail with `IsOrganizationTrail` in the
 * management account's stack logs every member account, so a member account's data event that its
 * selectors select counts as recorded; the same trail without the flag logs its own account only.
 * The real construct's template (`addOrgTrail`) is read the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { addOrgTrail } from '../../src/constructs/org-trail.js';
import type { CloudTrailRecord } from '../../src/engines/cloudtrail/index.js';
import { buildModel } from '../../src/simulator/index.js';
import { trailVerdict, type TrailModel } from '../../src/simulator/trails.js';

const MANAGEMENT = '111111111111';
const MEMBER = '333333333333';
const fixture = join(import.meta.dirname, 'fixtures', 'data-events', 's3-getobject-breakglass.json');
const base = JSON.parse(readFileSync(fixture, 'utf8')) as CloudTrailRecord;
/** The fixture's S3 GetObject, made in a member account. */
const inMember = JSON.parse(JSON.stringify(base).split('111122223333').join(MEMBER)) as CloudTrailRecord;

const S3_SELECTOR = {
  EventSelectors: [
    { ReadWriteType: 'All', DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] },
  ],
};

function trailsOf(template: unknown, account = MANAGEMENT): readonly TrailModel[] {
  return buildModel([
    {
      stackName: 'BreakGlass-Organization',
      account,
      region: 'eu-west-1',
      template,
      dependencies: [],
    } as never,
  ]).trails;
}

const oneTrail = (props: Record<string, unknown>) => ({
  Resources: {
    Trail: {
      Type: 'AWS::CloudTrail::Trail',
      Properties: { IsLogging: true, IsMultiRegionTrail: true, S3BucketName: 'b', ...props },
    },
  },
});

describe('trail model: organization trails', () => {
  it("an organization trail of the management account records a member account's selected data event", () => {
    const trails = trailsOf(oneTrail({ IsOrganizationTrail: true, ...S3_SELECTOR }));
    expect(trails[0]?.organization).toBe(true);
    const v = trailVerdict(trails, inMember);
    expect(v.kind).toBe('recorded');
  });

  it('the same trail without IsOrganizationTrail logs its own account only (control)', () => {
    const trails = trailsOf(oneTrail({ ...S3_SELECTOR }));
    expect(trails[0]?.organization).toBe(false);
    const v = trailVerdict(trails, inMember);
    expect(v).toMatchObject({ kind: 'not-recorded', noTrail: true });
    expect(v.kind === 'not-recorded' && v.reason).toMatch(
      /no CloudTrail trail in the templates for account 333333333333/,
    );
  });

  it('an organization trail without data selectors says the member account has a trail that does not select the type', () => {
    const v = trailVerdict(trailsOf(oneTrail({ IsOrganizationTrail: true })), inMember);
    expect(v).toMatchObject({ kind: 'not-recorded', noTrail: false, asked: false });
  });

  it('reads the organization trail addOrgTrail synthesizes as one logging every account in every Region', () => {
    const app = new App();
    const stack = new Stack(app, 'BreakGlass-Organization', {
      env: { account: MANAGEMENT, region: 'eu-west-1' },
    });
    addOrgTrail(stack, { organizationId: 'o-a1b2c3d4e5' });
    const trails = trailsOf(Template.fromStack(stack).toJSON());
    expect(trails).toEqual([
      expect.objectContaining({ account: MANAGEMENT, organization: true, multiRegion: true, logging: true }),
    ]);
    // Management events only: a member's management event needs no trail selector.
    expect(
      trailVerdict(trails, {
        ...inMember,
        eventSource: 'iam.amazonaws.com',
        eventName: 'CreateUser',
        eventCategory: 'Management',
        managementEvent: true,
        resources: [],
      }).kind,
    ).toBe('management');
  });
});
