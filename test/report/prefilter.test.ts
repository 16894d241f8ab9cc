import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashString, scanLogFile, type Markers } from '../../src/report/prefilter.js';
import { TrailStore } from '../../src/report/store.js';

const REC =
  '{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111111111111:assumed-role/app/i-1","accessKeyId":"ASIAAPP","sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::111111111111:role/app"},"attributes":{"mfaAuthenticated":"false"}}},"eventTime":"2026-03-01T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"us-east-1","readOnly":true,"requestParameters":{"maxResults":100,"n":-1.5e3,"x":null,"y":false},"resources":[{"ARN":"arn:aws:ec2:us-east-1:111111111111:instance/i-1"}]}';
const log = (...recs: string[]) => `{"Records":[${recs.join(',')}]}`;
const none: Markers = { names: ['BreakGlass'], learned: new Map() };
const scan = (text: string | Buffer, m: Markers = none) =>
  scanLogFile(typeof text === 'string' ? Buffer.from(text) : text, m);

describe('scanLogFile', () => {
  it('leaves out a well-formed record that mentions no marker, and counts it', () => {
    const r = scan(log(REC, REC));
    expect(r).toMatchObject({ records: 2, plain: 2, candidates: 0 });
    expect(r?.reduced).toBeUndefined();
    expect(scan(' {"Records" : [ ] } \n')).toMatchObject({ records: 0, plain: 0 });
  });

  it('keeps a record that mentions a break-glass name, byte for byte', () => {
    const bg = REC.replace('assumed-role/app/', 'assumed-role/BreakGlass/');
    const r = scan(log(REC, bg, REC));
    expect(r).toMatchObject({ records: 3, plain: 2, candidates: 1 });
    expect(r?.reduced?.toString()).toBe(log(bg));
  });

  it('keeps a record whose accessKeyId, arn or sourceIdentity equals a learned credential', () => {
    const learned = new Map([[hashString('ASIAAPP'), ['ASIAAPP']]]);
    expect(scan(log(REC), { names: [], learned })).toMatchObject({ candidates: 1 });
    const other = new Map([[hashString('ASIAAP'), ['ASIAAP']]]);
    expect(scan(log(REC), { names: [], learned: other })).toMatchObject({ candidates: 0 });
    expect(scan(log(REC))?.valueHashes).toContain(hashString('ASIAAPP'));
    expect(scan(log(REC))?.valueHashes).toContain(hashString('arn:aws:iam::111111111111:role/app'));
  });

  const doubtful: Array<[string, string]> = [
    ['a \\u escape (may hide a name)', REC.replace('i-1"', 'i-\\u0031"')],
    ['a \\/ escape (may hide an ARN)', REC.replace('role/app', 'role\\/app')],
    [
      'a duplicate eventTime (DuckDB rejects the file)',
      REC.replace('"awsRegion"', '"eventTime":"x","awsRegion"'),
    ],
    ['a missing awsRegion (DuckDB does not count it)', REC.replace('"awsRegion":"us-east-1",', '')],
    ['a null eventName', REC.replace('"DescribeInstances"', 'null')],
    [
      'a userIdentity that is not an object',
      REC.replace(/"userIdentity":\{.*?\}\}\},/, '"userIdentity":"x",'),
    ],
    [
      'a sessionContext that is an array',
      REC.replace('"sessionContext":{', '"sessionContext":[{').replace('}}},"eventTime', '}}]},"eventTime'),
    ],
    [
      'a duplicate accessKeyId in userIdentity',
      REC.replace('"accessKeyId":"ASIAAPP"', '"accessKeyId":"A","accessKeyId":"B"'),
    ],
    ['an escaped key', REC.replace('"readOnly"', '"read\\tOnly"')],
    ['an eventSource that is a number', REC.replace('"ec2.amazonaws.com"', '5')],
  ];
  for (const [name, rec] of doubtful)
    it(`gives DuckDB a record with ${name}`, () => {
      expect(JSON.parse(log(rec))).toBeTruthy();
      expect(scan(log(REC, rec))).toMatchObject({ records: 2, plain: 1, candidates: 1 });
    });

  const invalid: Array<[string, string | Buffer]> = [
    ['truncated JSON', log(REC).slice(0, -10)],
    ['a trailing comma in the array', `{"Records":[${REC},]}`],
    ['a trailing comma in an object', log(REC.replace('}]}', '},]}'))],
    ['a bad literal', log(REC.replace('true', 'tru'))],
    ['a number with a leading zero', log(REC.replace('100', '0100'))],
    ['a raw control character in a string', log(REC.replace('i-1"', 'i-1\t"'))],
    ['an unknown escape', log(REC.replace('i-1"', 'i-1\\x"'))],
    ['a missing colon', log(REC.replace('"readOnly":true', '"readOnly" true'))],
    ['another top-level key', `{"Records":[${REC}],"x":1}`],
    ['two documents', log(REC) + log(REC)],
    ['a JSON array of records', `[${REC}]`],
    ['JSON Lines', `${REC}\n${REC}\n`],
    ['a record that is not an object', '{"Records":[1]}'],
    [
      'invalid UTF-8',
      Buffer.concat([
        Buffer.from(log(REC).slice(0, 50)),
        Buffer.from([0xc3, 0x28]),
        Buffer.from(log(REC).slice(50)),
      ]),
    ],
    ['an empty file', ''],
  ];
  for (const [name, text] of invalid)
    it(`rejects ${name} (the whole file goes to DuckDB)`, () => {
      expect(scan(text)).toBeUndefined();
    });
});

describe('scanLogFile agrees with DuckDB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bg-prefilter-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every record the scan leaves out is one DuckDB reads and counts', async () => {
    const variants = [
      REC,
      REC.replace('"readOnly":true', '"readOnly":true,"tls":1,"tls":2'),
      REC.replace('"requestParameters":{', '"requestParameters":{"a":1,"a":2,'),
      REC.replace(/"userIdentity":\{.*?\}\}\},/, '"userIdentity":null,'),
      REC.replace('"readOnly":true', '"errorCode":{"nested":[1,2]}'),
    ];
    const file = join(dir, 'plain.json');
    writeFileSync(file, log(...variants));
    const r = scan(log(...variants));
    expect(r).toMatchObject({ records: variants.length, plain: variants.length });
    const store = await TrailStore.open();
    try {
      expect(await store.ingestFile(file, 'plain')).toBe(r?.plain);
    } finally {
      await store.close();
    }
  });
});
