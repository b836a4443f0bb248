import { App } from 'aws-cdk-lib';
import { buildApp } from './stack/build-app.ts';
import { StackConfigError } from './stack/config.ts';

const app = new App();
try {
  buildApp(app);
} catch (e) {
  if (!(e instanceof StackConfigError)) throw e;
  // A list of what to fix reads better than a stack trace.
  console.error(e.message);
  process.exit(1);
}
app.synth();
