// The read model, split by aggregate. Each file owns its tables.
export * from './org';
export * from './auth';
export * from './idempotency';
export * from './audit';
export * from './admin-data';
export * from './notifications';
export * from './items';
export * from './exports';
export * from './assessment';
export * from './audit-archive';
export * from './projection-failures';
export * from './intake';
export * from './accountability';
export * from './attachments';
export * from './ai';
export * from './appeals';
export * from './merges';
