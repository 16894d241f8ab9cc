/**
 * Stand-in for `BreakGlassMonitoring` (owned and tested by the alerting work) so the foundation
 * construct tests exercise only the foundation resources and stay fast. Records the props it got.
 * Use with: `vi.mock('../../src/constructs/monitoring.js', () => import('./role-monitoring-stub.js'))`.
 */
import { Construct } from 'constructs';
import type { BreakGlassMonitoringProps } from '../../src/constructs/monitoring.js';

export class BreakGlassMonitoring extends Construct {
  static readonly instances: BreakGlassMonitoring[] = [];
  constructor(
    scope: Construct,
    id: string,
    readonly props: BreakGlassMonitoringProps,
  ) {
    super(scope, id);
    BreakGlassMonitoring.instances.push(this);
  }
}
