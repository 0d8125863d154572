// Temporary: moved to libs/testing (@parley/testing). Remove once nothing imports this path.
export * from '../../libs/testing/src/server';
