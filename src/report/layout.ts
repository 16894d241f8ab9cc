/**
 * Where CloudTrail puts its log files, and which folders a report can leave unread.
 *
 * Key layout (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html,
 * "Finding your CloudTrail log files"):
 *   <bucket>/<prefix>/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz            (account trail)
 *   <bucket>/<prefix>/AWSLogs/<org-id>/<account>/CloudTrail/<region>/YYYY/MM/DD/<file>.json.gz   (organization trail)
 * File name (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html):
 *   <account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz
 *
 * The date in the key is the day the file was *delivered*, and a file "can contain records written at
 * any point before that time" (same page): the last minutes of a day arrive in the next day's folder.
 * So `--until D` keeps the folders of D + 1; `--since D` can drop everything before D.
 */

export interface TrailScope {
  /** 12-digit account ids to read; others' folders are never listed. */
  readonly accounts?: readonly string[];
  /** Regions to read; others' folders are never listed. */
  readonly regions?: readonly string[];
  /** `YYYY-MM-DD` or ISO timestamp: only the day is used for pruning. */
  readonly since?: string;
  readonly until?: string;
}

export type PruneReason = 'account' | 'region' | 'date';

/**
 * Folders left unlisted, by the filter that excluded them: account folders, Region folders, and date
 * ranges (the days before `--since`, or after `--until`, of one Region folder count as one range).
 */
export interface PruneCounts {
  account: number;
  region: number;
  date: number;
}

export type TrailLayout = 'organization' | 'account';

export interface KeyParts {
  /** Which CloudTrail layout the path follows, if any. */
  readonly layout?: TrailLayout;
  readonly orgId?: string;
  readonly account?: string;
  readonly region?: string;
  /** `YYYY-MM-DD`: the delivery day from the folders (or the file name). */
  readonly date?: string;
}

const ACCOUNT = /^\d{12}$/;
const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const FILE_NAME = /^(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{4})(\d{2})(\d{2})T\d{4}Z_/;

function segmentsOf(path: string): string[] {
  return path.split(/[/\\]+/).filter((s) => s.length > 0);
}

/** Index of the `CloudTrail` segment that follows an account id, or -1. */
function cloudTrailIndex(segs: readonly string[]): number {
  for (let i = segs.length - 1; i > 0; i--)
    if (segs[i] === 'CloudTrail' && ACCOUNT.test(segs[i - 1]!)) return i;
  return -1;
}

/** What a file's path says about it: layout, organization, account, Region, delivery day. */
export function partsOfKey(path: string): KeyParts {
  const segs = segmentsOf(path);
  const ct = cloudTrailIndex(segs.slice(0, -1));
  const name = FILE_NAME.exec(segs[segs.length - 1] ?? '');
  const fromName = name
    ? { account: name[1]!, region: name[2]!, date: `${name[3]}-${name[4]}-${name[5]}` }
    : undefined;
  if (ct < 0) return fromName ?? {};
  const account = segs[ct - 1]!;
  const parent = segs[ct - 2];
  const orgId = parent && ORG_ID.test(parent) ? parent : undefined;
  const layout: TrailLayout | undefined = orgId
    ? 'organization'
    : parent === 'AWSLogs'
      ? 'account'
      : undefined;
  const [region, y, m, d] = segs.slice(ct + 1, ct + 5);
  const date =
    y && m && d && /^\d{4}$/.test(y) && /^\d{2}$/.test(m) && /^\d{2}$/.test(d)
      ? `${y}-${m}-${d}`
      : fromName?.date;
  return {
    ...(layout ? { layout } : {}),
    ...(orgId ? { orgId } : {}),
    account,
    ...(region && ct + 1 < segs.length - 1 ? { region } : fromName ? { region: fromName.region } : {}),
    ...(date ? { date } : {}),
  };
}

const dayOf = (v: string) => v.slice(0, 10);

/** `YYYY-MM-DD` plus n days. */
function addDays(day: string, n: number): string {
  const t = Date.parse(`${day}T00:00:00Z`) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The first and last day a folder of the date levels covers (`2026`, `2026/03`, `2026/03/01`). */
function daysOf(parts: readonly string[]): [string, string] | undefined {
  const [y, m, d] = parts;
  if (!y || !/^\d{4}$/.test(y)) return undefined;
  if (!m) return [`${y}-01-01`, `${y}-12-31`];
  if (!/^\d{2}$/.test(m)) return undefined;
  if (!d) {
    const last = addDays(
      `${m === '12' ? Number(y) + 1 : y}-${m === '12' ? '01' : String(Number(m) + 1).padStart(2, '0')}-01`,
      -1,
    );
    return [`${y}-${m}-01`, last];
  }
  return /^\d{2}$/.test(d) ? [`${y}-${m}-${d}`, `${y}-${m}-${d}`] : undefined;
}

/** True when a delivery-day range can hold records inside the window (see the note at the top). */
function daysInWindow(first: string, last: string, scope: TrailScope): boolean {
  if (scope.since && last < dayOf(scope.since)) return false;
  if (scope.until && first > addDays(dayOf(scope.until), 1)) return false;
  return true;
}

export function hasScope(scope: TrailScope): boolean {
  return Boolean(scope.accounts?.length || scope.regions?.length || scope.since || scope.until);
}

/**
 * For a key under a folder wholly outside the scope (a folder is asked about as `<folder>/_`): why, the outermost such folder
 * (`…/<account>`, `…/CloudTrail/<region>`, or the Region folder for dates, with the side of the
 * window), and the key to list on from (S3 `StartAfter`) to skip that folder — or, for days before
 * `--since`, to land on `--since`'s day. Undefined when the key is inside the scope (or outside the layout).
 */
export function prunedFolderOfKey(
  key: string,
  scope: TrailScope,
): { reason: PruneReason; folder: string; resumeAfter: string } | undefined {
  const segs = key.split('/');
  const upTo = (i: number) => segs.slice(0, i + 1).join('/');
  // Past every key under `folder/` (CloudTrail keys are ASCII).
  const past = (folder: string) => `${folder}/\uffff`;
  const ct = cloudTrailIndex(segs.slice(0, -1));
  let acct = ct - 1;
  if (ct < 0)
    acct = segs.findIndex(
      (x, i) =>
        i > 0 &&
        i < segs.length - 1 &&
        ACCOUNT.test(x) &&
        (segs[i - 1] === 'AWSLogs' || ORG_ID.test(segs[i - 1]!)),
    );
  if (acct >= 0 && scope.accounts?.length && !scope.accounts.includes(segs[acct]!)) {
    const folder = upTo(acct);
    return { reason: 'account', folder, resumeAfter: past(folder) };
  }
  if (ct < 0 || ct + 1 >= segs.length - 1) return undefined;
  const regionFolder = upTo(ct + 1);
  if (scope.regions?.length && !scope.regions.includes(segs[ct + 1]!))
    return { reason: 'region', folder: regionFolder, resumeAfter: past(regionFolder) };
  const days = daysOf(segs.slice(ct + 2, Math.min(ct + 5, segs.length - 1)));
  if (!days) return undefined;
  if (scope.since && days[1] < dayOf(scope.since))
    return {
      reason: 'date',
      folder: `${regionFolder} <`,
      resumeAfter: `${regionFolder}/${dayOf(scope.since).replace(/-/g, '/')}`,
    };
  if (scope.until && days[0] > addDays(dayOf(scope.until), 1))
    return { reason: 'date', folder: `${regionFolder} >`, resumeAfter: past(regionFolder) };
  return undefined;
}

/** Whether a folder inside the scope may still have prunable folders below it (else list it whole). */
export function prunableBelow(path: string, scope: TrailScope): boolean {
  if (!hasScope(scope)) return false;
  const segs = segmentsOf(path);
  const ct = cloudTrailIndex(segs);
  if (ct < 0) return true;
  const depth = segs.length - 1 - ct; // 0 at CloudTrail, 1 at the Region, 4 at the day
  return (depth < 1 && Boolean(scope.regions?.length)) || (depth < 4 && Boolean(scope.since || scope.until));
}

/**
 * Why one file is outside the scope from its path alone (folders or file name), or undefined to read
 * it. `date` is the day its path gives (`dateOfPath`: any `…/YYYY/MM/DD/<file>`), else the layout's.
 */
export function filePruned(
  file: { readonly name: string; readonly date?: string },
  scope: TrailScope,
): PruneReason | undefined {
  const p = partsOfKey(file.name);
  if (p.account && scope.accounts?.length && !scope.accounts.includes(p.account)) return 'account';
  if (p.region && scope.regions?.length && !scope.regions.includes(p.region)) return 'region';
  const date = file.date ?? p.date;
  if (date && !daysInWindow(date, date, scope)) return 'date';
  return undefined;
}
