import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeWildcardResource } from './nag.ts';

export interface ReportArchiveProps {
  /** Days a kept report stays: as long as the summary it was built from. */
  readonly retentionDays: number;
}

/**
 * Where a digest that could not be sent keeps its rendered report, so that
 * `resend` mails exactly what should have gone out. It holds only reports of
 * days that did not go out.
 */
export class ReportArchive extends Construct {
  static readonly PREFIX = 'reports/';
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ReportArchiveProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Evidence of a day that did not go out: a stack deletion leaves it.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ prefix: ReportArchive.PREFIX, expiration: Duration.days(props.retentionDays) }],
    });
    acknowledge(
      this.bucket,
      'AwsSolutions-S1',
      'Written and read only by the digest role (a copy of a report that did not go out); a log bucket for it would hold more than it does.',
    );
  }

  /** `REPORT_ARCHIVE` for the digest. */
  get location(): string {
    return `s3://${this.bucket.bucketName}/${ReportArchive.PREFIX}`;
  }

  /** Keeps and fetches reports under the prefix, nothing else: no list, no delete. */
  grantKeep(role: iam.Role): void {
    const objects = this.bucket.arnForObjects(`${ReportArchive.PREFIX}*`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject', 's3:GetObject'], resources: [objects] }));
    acknowledgeWildcardResource(role, objects, 'One object per report day under reports/, named by zone and date at run time.');
  }
}
