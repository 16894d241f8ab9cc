/**
 * The guard every doctor adapter sends through: a command that is not in the doctor's table of
 * read calls (`engines/doctor-calls.ts`) is refused before it leaves the process, so a write can
 * never slip into `breakglass doctor` by a later edit.
 */
import { DOCTOR_READ_CALLS } from '../../engines/doctor-calls.js';
import { awsErrorName } from './errors.js';
import type { AwsTarget } from './ports.js';

const ALLOWED = new Set(DOCTOR_READ_CALLS.map((c) => c.command));

/** Throws when `command` is not one of doctor's read calls. */
export function assertReadCall(command: object): void {
  const name = command.constructor.name;
  if (!ALLOWED.has(name)) throw new Error(`doctor may only read; refused to send ${name}`);
}

/** A client's `send`, narrowed to what the adapters use (keeps SDK generics out of the adapters). */
interface Sender {
  send(command: never): Promise<unknown>;
}

/** Sends a read call (checked) and types the answer as the adapter expects. */
export async function readCall<O>(client: Sender, command: object): Promise<O> {
  assertReadCall(command);
  return (await client.send(command as never)) as O;
}

/** One client per Region, made on first use. */
export function perRegion<C>(make: (t: AwsTarget & { region: string }) => C, target: AwsTarget) {
  const clients = new Map<string, C>();
  return (region: string): C => {
    let c = clients.get(region);
    if (!c) {
      c = make({ ...target, region });
      clients.set(region, c);
    }
    return c;
  };
}

/** True when an SDK error is one of the "no such resource" names. */
export function isNotFound(e: unknown, ...names: string[]): boolean {
  return names.includes(awsErrorName(e));
}

/** Client options from a target (profile and Region). */
export function clientOptions(t: AwsTarget): { region?: string; profile?: string } {
  return { ...(t.region ? { region: t.region } : {}), ...(t.profile ? { profile: t.profile } : {}) };
}
