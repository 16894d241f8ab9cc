/**
 * Names shared between the constructs (which write them into templates) and the simulator / report
 * (which read them back from any cloud assembly). Keep them stable: deployed stacks carry them.
 */

/** Tag on every break-glass IAM role our constructs create or manage (`value: 'true'`). */
export const TAG_BREAKGLASS_ROLE = 'breakglass:role';
/** Tag on every break-glass IAM user (`value: 'true'`). */
export const TAG_BREAKGLASS_USER = 'breakglass:user';
/** Tag on every resource the constructs create, naming the construct path that owns it. */
export const TAG_BREAKGLASS_COMPONENT = 'breakglass:component';

/** Tag on the deployer role `BreakGlassDeployer` creates (`value: 'true'`). */
export const TAG_BREAKGLASS_DEPLOYER = 'breakglass:deployer';
/** How every deployment-access alert text begins (the deployer / CDK deploy role was assumed). */
export const DEPLOYMENT_ACCESS_MARK = 'Deployment access';

/** Session tags the role can require (`requireReason`): the person's reason and ticket. */
export const REASON_TAG_KEYS = ['Reason', 'Ticket'] as const;
