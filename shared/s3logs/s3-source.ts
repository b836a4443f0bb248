import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import type { LogSource } from './ingest.ts';

export class EmptyLogObjectError extends Error {
  constructor(bucket: string, key: string) {
    super(`s3://${bucket}/${key} has no body`);
    this.name = 'EmptyLogObjectError';
  }
}

/** A log object in S3, streamed: the body is never held in memory whole. */
export function s3LogSource(s3: S3Client, bucket: string, key: string): LogSource {
  return {
    name: `s3://${bucket}/${key}`,
    async open() {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!out.Body) throw new EmptyLogObjectError(bucket, key);
      // In Node the SDK's body is an IncomingMessage, a Readable already.
      return out.Body instanceof Readable ? out.Body : Readable.fromWeb(out.Body.transformToWebStream() as never);
    },
  };
}

/** Object keys in S3 event notifications are URL-encoded, with `+` for spaces. */
export function decodeEventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}
