/**
 * After deploy: every stack of the account is deployed and stable (DescribeStacks,
 * DescribeStackResources). Fills `ctx.deployed`, which the other after-deploy checks read.
 */
import type { DeployedStack, DoctorAws } from '../aws/doctor-ports.js';
import type { InventoryStack } from './inventory.js';
import { finding, mapLimit, type Finding } from './model.js';

/** Stable states (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html). */
const STABLE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);

export function judgeStack(s: InventoryStack, d: DeployedStack | undefined): Finding {
  if (!d)
    return finding(
      'stacks',
      'problem',
      s.region,
      s.stackName,
      'not deployed; deploy it (npx cdk deploy --app <cdk.out> --all)',
    );
  if (STABLE.has(d.status))
    return finding('stacks', 'ok', s.region, s.stackName, `${d.status}, ${d.resources.length} resources`);
  return finding(
    'stacks',
    'problem',
    s.region,
    s.stackName,
    `stack is ${d.status}; finish or roll back the update, then deploy again`,
  );
}

/** Reads every stack once (also in --before-deploy mode: a deployed stack changes what the trail check accepts). */
export async function readDeployed(
  aws: DoctorAws,
  stacks: readonly InventoryStack[],
): Promise<Map<string, DeployedStack | undefined>> {
  const got = await mapLimit(
    stacks,
    8,
    async (s) => [s.stackName, await aws.stack(s.region, s.stackName)] as const,
  );
  return new Map(got);
}
