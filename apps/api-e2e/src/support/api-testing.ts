/**
 * The API's own test helpers that start real servers or make hostile files (apps/api/src/testing), shared
 * with these end-to-end tests so that both test the same corpus against the same kind of server. They are
 * test code, not the API app: the one place this project reaches into the app's folder.
 */
/* eslint-disable @nx/enforce-module-boundaries -- test helpers of the API, see above */
export * as badFiles from '../../../api/src/testing/bad-files';
export { startTestClamd, TEST_SIGNATURE } from '../../../api/src/testing/clamd-server';
export type { TestClamd } from '../../../api/src/testing/clamd-server';
export { startTestS3 } from '../../../api/src/testing/s3-server';
export type { TestS3 } from '../../../api/src/testing/s3-server';
/* eslint-enable @nx/enforce-module-boundaries */
