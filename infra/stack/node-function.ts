import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The repository root: entries, the lockfile and the local esbuild are found from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every function logs under this Powertools service; the function name tells them apart. */
export const SERVICE_NAME = 'failure-digest';

export const RUNTIME = lambda.Runtime.NODEJS_24_X;

// esbuild's ESM output has no `require`; some bundled CommonJS still calls it for Node built-ins.
export const REQUIRE_SHIM = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

export class EsbuildMissingError extends Error {
  constructor() {
    super('esbuild is not installed in node_modules: run `npm ci` (functions are bundled locally, never in Docker)');
    this.name = 'EsbuildMissingError';
  }
}

/** NodejsFunction quietly falls back to bundling in Docker when it finds no local esbuild; fail the synth instead. */
function assertLocalEsbuild(): void {
  try {
    createRequire(path.join(PROJECT_ROOT, 'package.json')).resolve('esbuild');
  } catch {
    throw new EsbuildMissingError();
  }
}

export interface NodeFunctionProps {
  /** Handler file, relative to the repository root, exporting `handler`. */
  readonly entry: string;
  readonly description: string;
  /** Variables the handler reads, besides the Powertools ones. */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Powertools log level.
   * @default 'INFO'
   */
  readonly logLevel?: string;
  /**
   * How long CloudWatch keeps the function's logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
}

/**
 * A TypeScript handler bundled locally by esbuild (never Docker) as minified
 * ESM with source maps, on arm64, with its own log group and a role that may
 * write only to that log group until callers grant more.
 */
export class NodeFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    assertLocalEsbuild();
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    // An own role instead of AWSLambdaBasicExecutionRole: that managed policy
    // may create any log group and write to all of them.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.description}`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        format: nodejs.OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: REQUIRE_SHIM,
        minify: true,
        sourceMap: true,
        sourceMapMode: nodejs.SourceMapMode.DEFAULT,
        sourcesContent: false,
        // The SDK goes into the bundle: the function then runs the client
        // versions the lockfile pins and the tests ran, not the runtime's copy.
        bundleAwsSDK: true,
        tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
      },
    });
  }
}
