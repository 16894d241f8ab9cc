/** Athena port over AWS SDK v3 (StartQueryExecution / GetQueryExecution / GetQueryResults). */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { AthenaPort, AthenaState } from '../../report/athena.js';

const STATES: readonly AthenaState[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];

export function sdkAthenaPort(client: AthenaClient): AthenaPort {
  return {
    async start(q) {
      const res = await client.send(
        new StartQueryExecutionCommand({
          QueryString: q.sql,
          QueryExecutionContext: { Database: q.database },
          ResultConfiguration: { OutputLocation: q.outputLocation },
          ...(q.workGroup ? { WorkGroup: q.workGroup } : {}),
        }),
      );
      if (!res.QueryExecutionId) throw new Error('Athena StartQueryExecution returned no QueryExecutionId');
      return res.QueryExecutionId;
    },
    async state(id) {
      const res = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const st = res.QueryExecution?.Status;
      const state = STATES.find((s) => s === st?.State) ?? 'RUNNING';
      return st?.StateChangeReason ? { state, reason: st.StateChangeReason } : { state };
    },
    async results(id, nextToken) {
      const res = await client.send(
        new GetQueryResultsCommand({ QueryExecutionId: id, ...(nextToken ? { NextToken: nextToken } : {}) }),
      );
      const rows = (res.ResultSet?.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue ?? null));
      return res.NextToken ? { rows, nextToken: res.NextToken } : { rows };
    },
  };
}

export function makeAthenaClient(o: { region?: string; endpoint?: string }): AthenaClient {
  return new AthenaClient({
    ...(o.region ? { region: o.region } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
  });
}
