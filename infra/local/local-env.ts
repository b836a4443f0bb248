/** Credentials and region the local stack hands to clients; DynamoDB Local runs shared, so any would do. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
