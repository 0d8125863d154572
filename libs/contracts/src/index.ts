export * from './constants';
export * from './errors';
export * from './users';
export * from './auth';
export * from './health';
export * from './rooms';
export * from './messages';
export * from './realtime';
