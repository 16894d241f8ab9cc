/**
 * Before deploy: in every covered Region a trail that is logging records management events
 * (CloudTrail DescribeTrails with shadow trails, GetTrailStatus, GetEventSelectors). Without one,
 * EventBridge gets no CloudTrail record of a way in there.
 */
import type { TrailInfo } from '../aws/doctor-ports.js';
import { finding, mapLimit, regionsOf, type DoctorCheck, type Finding } from './model.js';

export function judgeTrail(region: string, trails: readonly TrailInfo[], plannedTrail: boolean): Finding {
  const covering = trails.filter((t) => t.multiRegion || t.homeRegion === region);
  const good = covering.find((t) => t.isLogging && t.managementEvents === true);
  if (good)
    return finding(
      'trail',
      'ok',
      region,
      good.name,
      `logging management events${good.multiRegion ? ' (multi-Region trail)' : ''}`,
    );
  const why =
    covering.length === 0
      ? 'no trail covers this Region'
      : covering
          .map(
            (t) =>
              `${t.name}: ${!t.isLogging ? 'not logging' : t.managementEvents === false ? 'no management events' : 'selectors unreadable'}`,
          )
          .join('; ');
  if (plannedTrail) return finding('trail', 'ok', region, 'trail', `${why}; the deployment creates one`);
  return finding(
    'trail',
    'problem',
    region,
    'trail',
    `${why}; create a multi-Region trail (createTrail: true) or start logging`,
  );
}

export const trailCheck: DoctorCheck = {
  id: 'trail',
  phase: 'before-deploy',
  summary:
    'a logging trail records management events in every covered Region (cloudtrail:DescribeTrails, GetTrailStatus, GetEventSelectors)',
  async run(ctx) {
    // A multi-Region trail the templates create counts only until its stack is deployed: then it must log.
    const plannedTrail = ctx.stacks.some(
      (s) =>
        ctx.deployed.has(s.stackName) &&
        ctx.deployed.get(s.stackName) === undefined &&
        s.resources.some(
          (r) => r.type === 'AWS::CloudTrail::Trail' && r.properties['IsMultiRegionTrail'] === true,
        ),
    );
    return mapLimit(regionsOf(ctx.stacks), 8, async (r) =>
      judgeTrail(r, await ctx.aws.trails(r), plannedTrail),
    );
  },
};
