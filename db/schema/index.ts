// The read model, split by aggregate. Each file owns its tables.
export * from './org';
