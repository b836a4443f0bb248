import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, type DynamoDbLocal } from '../infra/local/dynamodb-local.ts';
import { startSesLocal, type SesLocal } from '../infra/local/ses-local.ts';
import { freePort } from '../infra/local/free-port.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    ddbEndpoint: string;
    sesEndpoint: string;
  }
}

let ddb: DynamoDbLocal | undefined;
let ses: SesLocal | undefined;

/** Starts DynamoDB Local and the SES v2 emulator once for the whole run. */
export async function setup(project: TestProject): Promise<void> {
  try {
    ddb = await startDynamoDbLocal({ port: await freePort() });
    ses = await startSesLocal({ port: await freePort() });
  } catch (e) {
    await teardown();
    throw e;
  }
  project.provide('ddbEndpoint', ddb.endpoint);
  project.provide('sesEndpoint', ses.endpoint);
}

export async function teardown(): Promise<void> {
  await Promise.all([ddb?.stop(), ses?.stop()]);
}
