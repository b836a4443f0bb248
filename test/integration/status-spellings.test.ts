import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Clients } from '../../shared/aws/clients.ts';
import { buildDigest, type DigestDeps } from '../../shared/digest/run-digest.ts';
import { renderText } from '../../shared/digest/render.ts';
import type { DigestConfig } from '../../shared/settings/components.ts';
import { digestDeps } from '../../shared/digest/deps.ts';
import { dayWindow } from '../../shared/time/report-day.ts';
import { runCli } from '../support/cli.ts';
import { dropTables, startTestPipeline, testClients, testConfig, type TestPipeline } from '../support/local.ts';
import { INLINE_DROPS } from '../../shared/evidence/drop-queue.ts';

const TZ = 'Europe/Paris';
const DATE = '2026-11-18';
const W = dayWindow(DATE, TZ);

describe('FAILED spelt another way, through the local mapping and the consumer', () => {
  let clients: Clients;
  let config: DigestConfig;
  let pipeline: TestPipeline;
  let deps: DigestDeps;
  const saved = { ...process.env };

  beforeAll(async () => {
    clients = testClients();
    config = testConfig({ REPORT_TZ: TZ });
    pipeline = await startTestPipeline(clients, config);
    deps = digestDeps(clients, config, { drops: INLINE_DROPS });
    const statuses = ['FAILED', 'failed', 'FAILED ', ' Failed', 'SUCCESS', ' SUCCESS', 'FAILED_RETRY'];
    for (const [i, status] of statuses.entries()) {
      await clients.dynamodb.send(
        new PutItemCommand({
          TableName: config.executionTable,
          Item: { pk: { S: `ledger#run-${i}` }, status: { S: status }, event_ts: { N: String(W.start_ms + i * 60_000) }, message: { S: `boom ${i}` } },
        }),
      );
    }
    await pipeline.settle();
    const ddb = inject('ddbEndpoint');
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: ddb,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: ddb,
      DDB_TABLE: config.executionTable,
      SUMMARY_TABLE: config.summaryTable,
      REPORT_TZ: TZ,
    });
  });

  afterAll(async () => {
    process.env = saved;
    await pipeline?.stop();
    await dropTables(clients, config);
  });

  it('captures every FAILED write, whatever its case or padding, with the spelling it was written with', async () => {
    const day = await pipeline.store.readDay(TZ, DATE);
    expect(day.map((e) => [e.pk, e.writtenStatus]).sort()).toEqual([
      ['ledger#run-0', undefined],
      ['ledger#run-1', 'failed'],
      ['ledger#run-2', 'FAILED '],
      ['ledger#run-3', ' Failed'],
    ]);
  });

  it('counts the misspelt ones in the digest and asks for the writer to be fixed', async () => {
    const report = await buildDigest(deps, DATE, TZ);
    expect(report.source).toBe('summary');
    expect(report.count).toBe(4);
    expect(report.statusVariants).toEqual({ count: 3, values: [' Failed', 'FAILED ', 'failed'] });
    expect(renderText(report)).toContain(
      '3 failures were written with status " Failed", "FAILED " or "failed": the index query only finds status exactly FAILED; fix the writer.',
    );

    const run = await runCli('digest', '--date', DATE, '--dry-run', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out[0]!)).toMatchObject({ source: 'summary', count: 4, status_variants: { count: 3, values: [' Failed', 'FAILED ', 'failed'] } });
  });

  it('says, when the index is the source, that it only finds exact FAILED', async () => {
    const report = await buildDigest(deps, DATE, TZ, 'gsi');
    expect(report.groups.map((g) => [g.latest_pk, g.count])).toEqual([['ledger#run-0', 1]]);
    expect(report.statusVariants).toBeNull();
    expect(renderText(report)).toContain('The index query only finds status exactly FAILED: ');

    const run = await runCli('digest', '--date', DATE, '--dry-run', '--json', '--source', 'gsi');
    expect(JSON.parse(run.out[0]!)).toMatchObject({ source: 'gsi', count: 1, status_variants: null });
  });
});
