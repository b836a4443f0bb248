/** Credentials and region the local stack hands to clients; DynamoDB Local runs shared, so any would do. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
/** DynamoDB Local's account: the ARNs of the local stand-ins name it, as AWS names yours. */
export const LOCAL_ACCOUNT = '000000000000';

/** The local stand-in for the deployed alarm topic, where administrator notices go. */
export const LOCAL_ADMIN_TOPIC_NAME = 'failure-digest-alarms';
export const LOCAL_ADMIN_TOPIC_ARN = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${LOCAL_ADMIN_TOPIC_NAME}`;
