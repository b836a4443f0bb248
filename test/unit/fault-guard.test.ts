import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetAccountCommand } from '@aws-sdk/client-sesv2';
import { afterEach, describe, expect, it } from 'vitest';
import { createClients, destroyClients, type Clients } from '../../shared/aws/clients.ts';
import { FaultsNotLocalError, injectFaults, parseFaultPlan } from '../../infra/local/faults.ts';

const targets = { summaryTable: 'summary', executionTable: 'logs', gsiName: 'gsi_status_ts' };
let clients: Clients | undefined;

afterEach(() => {
  if (clients) destroyClients(clients);
  clients = undefined;
});

// Unit tests may open no connection (the project's setup fails any test that tries): the refusal comes first.
describe('a client with faults in it', () => {
  it.each([
    ['AWS itself', { dynamodb: 'https://dynamodb.us-east-1.amazonaws.com', ses: 'https://email.us-east-1.amazonaws.com' }],
    ['another machine', { dynamodb: 'http://10.0.0.7:8000', ses: 'http://10.0.0.7:8005' }],
  ])('sends nothing to %s, whichever kinds are on', async (_, endpoints) => {
    clients = createClients({ region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, endpoints });
    injectFaults(clients, parseFaultPlan(['gsi-read=0'], '1')!, targets);
    const host = new URL(endpoints.dynamodb).hostname;
    const refused = clients.dynamodb.send(new GetItemCommand({ TableName: 'summary', Key: { pk: { S: 'x' } } }));
    await expect(refused).rejects.toBeInstanceOf(FaultsNotLocalError);
    await expect(refused).rejects.toThrow(`--fault works on the local stack only, and a request went to ${host}: point`);
    await expect(clients.ses.send(new GetAccountCommand({}))).rejects.toBeInstanceOf(FaultsNotLocalError);
  });
});
