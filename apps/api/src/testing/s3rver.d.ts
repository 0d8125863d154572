/** The part of s3rver 3 (which ships no types) the test S3 server uses. */
declare module 's3rver' {
  import type { Server } from 'node:http';
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs: (string | Buffer)[] }[];
  }

  /** A Koa application: `middleware` runs in order, composed when the server starts. */
  export default class S3rver {
    constructor(options: S3rverOptions);
    middleware: unknown[];
    /** Set by `run()`. */
    httpServer?: Server;
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}
