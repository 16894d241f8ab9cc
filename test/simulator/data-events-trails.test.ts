/**
 * Which trail records which data event: the selector semantics of `trails.ts`, one case per documented
 * behaviour, on the two fixture records (an S3 GetObject by a break-glass session, a real DynamoDB
 * PutItem from the AWS documentation) and a management event.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src/engines/cloudtrail/index.js';
import { buildModel, loadTemplateFile, verifyModel } from '../../src/simulator/index.js';
import { dataResourceOf, trailVerdict, type TrailModel } from '../../src/simulator/trails.js';

const dir = join(import.meta.dirname, 'fixtures', 'data-events');
const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CloudTrailRecord;
const getObject = read('s3-getobject-breakglass.json');
const putItem = read('dynamodb-putitem.awsdocs.json');
const management: CloudTrailRecord = {
  ...getObject,
  eventSource: 'ec2.amazonaws.com',
  eventName: 'DescribeInstances',
  eventCategory: 'Management',
  managementEvent: true,
  resources: [],
};

const ACCOUNT = '111122223333';

/** Trails from a one-stack template (CloudFormation properties as written), in eu-west-1 unless given. */
function trails(
  props: Record<string, unknown>[],
  region = 'eu-west-1',
  account = ACCOUNT,
): readonly TrailModel[] {
  const Resources = Object.fromEntries(
    props.map((p, i) => [
      `Trail${i}`,
      { Type: 'AWS::CloudTrail::Trail', Properties: { IsLogging: true, S3BucketName: 'b', ...p } },
    ]),
  );
  return buildModel([{ stackName: 'T', account, region, template: { Resources }, dependencies: [] } as never])
    .trails;
}

const adv = (...selectors: Record<string, unknown>[][]) => ({
  AdvancedEventSelectors: selectors.map((FieldSelectors) => ({ FieldSelectors })),
});
const mgmt = [{ Field: 'eventCategory', Equals: ['Management'] }];
const dataOf = (type: string, ...more: Record<string, unknown>[]) => [
  { Field: 'eventCategory', Equals: ['Data'] },
  { Field: 'resources.type', Equals: [type] },
  ...more,
];

describe('dataResourceOf', () => {
  it('reads the category and the typed resource of a real-shaped data event', () => {
    expect(dataResourceOf(getObject)).toEqual({
      type: 'AWS::S3::Object',
      arn: 'arn:aws:s3:::amzn-s3-demo-bucket/incident/INC-1234/backup.sql',
    });
    expect(dataResourceOf(putItem)?.type).toBe('AWS::DynamoDB::Table');
  });

  it('says a management event is not a data event', () => {
    expect(dataResourceOf(management)).toBeUndefined();
  });

  it('falls back to the documented table for a record that does not say its category', () => {
    const old = { ...getObject } as Record<string, unknown>;
    delete old['eventCategory'];
    delete old['managementEvent'];
    delete old['resources'];
    expect(dataResourceOf(old as CloudTrailRecord)).toEqual({ type: 'AWS::S3::Object' });
    const bucketCall = { ...old, eventName: 'GetBucketAcl' } as CloudTrailRecord;
    expect(dataResourceOf(bucketCall)).toBeUndefined();
  });
});

describe('trailVerdict', () => {
  const cases: {
    name: string;
    trails: readonly TrailModel[];
    record: CloudTrailRecord;
    expected: 'management' | 'recorded' | 'not asked' | 'asked' | 'no trail';
    reason?: RegExp;
  }[] = [
    {
      name: 'management events are not its question',
      trails: [],
      record: management,
      expected: 'management',
    },
    {
      name: 'no trail in the account: cannot be confirmed',
      trails: trails([{}], 'eu-west-1', '999999999999'),
      record: getObject,
      expected: 'no trail',
      reason: /no CloudTrail trail in the templates for account 111122223333/,
    },
    {
      name: 'a trail without selectors records management events only',
      trails: trails([{ IsMultiRegionTrail: true }]),
      record: getObject,
      expected: 'not asked',
      reason: /no trail selects AWS::S3::Object data events/,
    },
    {
      name: 'advanced selectors for S3 objects record the read',
      trails: trails([adv(mgmt, dataOf('AWS::S3::Object'))]),
      record: getObject,
      expected: 'recorded',
    },
    {
      name: 'advanced selectors for S3 do not record a DynamoDB call',
      trails: trails([adv(mgmt, dataOf('AWS::S3::Object'))], 'us-west-2'),
      record: putItem,
      expected: 'not asked',
    },
    {
      name: 'writes only (readOnly false) leaves the read out, a gap the trail asked for',
      trails: trails([adv(dataOf('AWS::S3::Object', { Field: 'readOnly', Equals: ['false'] }))]),
      record: getObject,
      expected: 'asked',
      reason: /selects AWS::S3::Object data events but does not select this GetObject/,
    },
    {
      name: 'resources.ARN StartsWith another bucket leaves it out',
      trails: trails([
        adv(dataOf('AWS::S3::Object', { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::other/'] })),
      ]),
      record: getObject,
      expected: 'asked',
    },
    {
      name: 'resources.ARN NotStartsWith the trail bucket keeps this one',
      trails: trails([
        adv(
          dataOf('AWS::S3::Object', { Field: 'resources.ARN', NotStartsWith: ['arn:aws:s3:::trail-logs/'] }),
        ),
      ]),
      record: getObject,
      expected: 'recorded',
    },
    {
      name: 'resources.ARN NotStartsWith its bucket leaves it out',
      trails: trails([
        adv(
          dataOf('AWS::S3::Object', {
            Field: 'resources.ARN',
            NotStartsWith: ['arn:aws:s3:::amzn-s3-demo-bucket/'],
          }),
        ),
      ]),
      record: getObject,
      expected: 'asked',
    },
    {
      name: 'userIdentity.arn StartsWith the break-glass role records its sessions',
      trails: trails([
        adv(
          dataOf('AWS::S3::Object', {
            Field: 'userIdentity.arn',
            StartsWith: ['arn:aws:sts::111122223333:assumed-role/BreakGlass/'],
          }),
        ),
      ]),
      record: getObject,
      expected: 'recorded',
    },
    {
      name: "userIdentity.arn Equals a break-glass user's ARN records the user's own read",
      trails: trails([
        adv(
          dataOf('AWS::S3::Object', {
            Field: 'userIdentity.arn',
            Equals: ['arn:aws:iam::111122223333:user/breakglass-1'],
          }),
        ),
      ]),
      record: {
        ...getObject,
        userIdentity: {
          type: 'IAMUser',
          arn: 'arn:aws:iam::111122223333:user/breakglass-1',
          accountId: ACCOUNT,
          userName: 'breakglass-1',
        },
      },
      expected: 'recorded',
    },
    {
      name: 'userIdentity.arn of another role leaves the break-glass session out',
      trails: trails([
        adv(
          dataOf('AWS::S3::Object', {
            Field: 'userIdentity.arn',
            Equals: ['arn:aws:sts::1:assumed-role/x/y'],
          }),
        ),
      ]),
      record: getObject,
      expected: 'asked',
    },
    {
      name: 'a single-Region trail of another Region does not record it',
      trails: trails([adv(dataOf('AWS::S3::Object'))], 'us-east-1'),
      record: getObject,
      expected: 'asked',
      reason: /single-Region trail of us-east-1/,
    },
    {
      name: 'a multi-Region trail of another Region records it',
      trails: trails([{ IsMultiRegionTrail: true, ...adv(dataOf('AWS::S3::Object')) }], 'us-east-1'),
      record: getObject,
      expected: 'recorded',
    },
    {
      name: 'a trail that is not logging records nothing',
      trails: trails([{ IsLogging: false, ...adv(dataOf('AWS::S3::Object')) }]),
      record: getObject,
      expected: 'asked',
      reason: /not logging/,
    },
    {
      name: 'basic selectors for every bucket record the read',
      trails: trails([
        { EventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] },
      ]),
      record: getObject,
      expected: 'recorded',
    },
    {
      name: 'basic selectors for one bucket prefix record only that bucket',
      trails: trails([
        {
          EventSelectors: [
            { DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::amzn-s3-demo-bucket/'] }] },
          ],
        },
      ]),
      record: getObject,
      expected: 'recorded',
    },
    {
      name: 'basic selectors WriteOnly leave the read out',
      trails: trails([
        {
          EventSelectors: [
            {
              ReadWriteType: 'WriteOnly',
              DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }],
            },
          ],
        },
      ]),
      record: getObject,
      expected: 'asked',
    },
    {
      name: 'basic selectors for DynamoDB tables record the real PutItem',
      trails: trails(
        [
          {
            EventSelectors: [
              { DataResources: [{ Type: 'AWS::DynamoDB::Table', Values: ['arn:aws:dynamodb'] }] },
            ],
          },
        ],
        'us-west-2',
      ),
      record: putItem,
      expected: 'recorded',
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const v = trailVerdict(c.trails, c.record);
      const got =
        v.kind === 'not-recorded' ? (v.noTrail ? 'no trail' : v.asked ? 'asked' : 'not asked') : v.kind;
      expect(got).toBe(c.expected);
      if (c.reason) expect(v.kind === 'not-recorded' ? v.reason : '').toMatch(c.reason);
    });
  }
});

describe('verify with no trail in the templates (an organization trail is used)', () => {
  it('shows the data read as not recorded, not a gap, and warns what to check', () => {
    const seed = join(import.meta.dirname, 'fixtures', 'seed000.template.json');
    const model = buildModel([loadTemplateFile(seed, ACCOUNT, 'eu-central-1')]);
    expect(model.trails).toHaveLength(0);
    const role = [...model.roles.values()][0];
    const result = verifyModel(model, { regions: ['eu-central-1'], roleArns: [role?.arn ?? ''] });
    const reads = result.scenarios.filter((x) => x.wayIn === 'DataRead');
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ logged: false, notRecorded: true, ok: true });
    expect(reads[0]?.trail).toMatch(/no CloudTrail trail in the templates for account 111122223333/);
    expect(result.warnings.join('\n')).toMatch(
      /account 111122223333: the templates have no CloudTrail trail, so whether data events are recorded cannot be confirmed .*organization trail, make it select/,
    );
  });
});
